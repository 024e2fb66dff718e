/**
 * The isolated counterfactual (model spec §7): each VPS alone on the same host, same mode,
 * well-behaved (its [M07] baseline): its good throughput and p99. A pure function of the plan, the
 * request rate and the base device demands, so it is kept per VPS and recomputed only when they change.
 */
import * as serviceMod from './service.js';
import type { SimState } from './state.js';
import type { Work } from './work.js';

const { evaluate } = serviceMod;

/** Fills `w.isoGood` and `w.isoP99` for this tick; `w.isoKept[i]` says VPS i's result was reused. */
export function isolated(st: SimState, w: Work): void {
  const n = st.vps.length;
  const p = st.profile;
  const host = st.host;
  const s = w.s;
  const pl = w.plan;
  const lambdaA = s.lambda,
    diskBase = s.diskBase,
    netBase = s.netBase,
    cpuLimit = s.cpuLimit;
  const isoReady = w.isoReady;
  const isoLambda = w.isoLambda,
    isoDisk = w.isoDisk,
    isoNet = w.isoNet,
    isoGoodA = w.isoGood,
    isoP99 = w.isoP99,
    isoKept = w.isoKept;
  const sloA = pl.sloMs,
    memSlowIso = pl.memSlowIso,
    baseCpu = pl.baseCpu,
    dPath = pl.dPath,
    nPath = pl.nPath;
  const dom0 = p.dom0,
    dom0Factor = p.dom0IoFactor,
    ioCpuFactor = p.ioCpuFactor,
    selfShare = 1 - p.hostOsIoShare;
  const rttMs = p.netRttMs,
    eCpu = p.eCpu,
    dom0Vcpus = p.dom0Vcpus;
  const hostDisk = host.diskIops,
    hostNet = host.netMbps,
    cores = host.cores;
  const KNOBS = st.params;
  const diskOpCpuS = KNOBS.diskOpCpuS,
    netMbitCpu = KNOBS.netMbitCpu;
  const sin = w.sin,
    sout = w.sout;
  sin.dtS = st.tickMs / 1000;
  sin.params = KNOBS;
  sin.backlog = 0;
  for (let i = 0; i < n; i++) {
    const lambda = lambdaA[i];
    const db = diskBase[i],
      nb = netBase[i];
    if (isoReady && lambda === isoLambda[i] && db === isoDisk[i] && nb === isoNet[i]) {
      isoKept[i] = 1;
      continue;
    }
    isoKept[i] = 0;
    const useDisk = db > 0;
    const useNet = nb > 0;
    const dP = dPath[i],
      nP = nPath[i];
    const dIso = Math.min(db, dP, hostDisk);
    const nIso = Math.min(nb, nP, hostNet);
    const nativeIso = dIso * diskOpCpuS + nIso * netMbitCpu;
    const dom0Iso = dom0 ? nativeIso * dom0Factor : 0;
    const isoDom0Scale = dom0Iso > dom0Vcpus ? dom0Vcpus / dom0Iso : 1;
    const svcIso = baseCpu[i] + nativeIso * ioCpuFactor * selfShare;
    const isoAvail = Math.min(cpuLimit[i], cores - Math.min(dom0Vcpus, dom0Iso)) * eCpu;
    const msi = memSlowIso[i];
    let isoRho = 0;
    if (isoAvail > 0) isoRho = (svcIso * msi) / isoAvail;
    else if (svcIso > 0) isoRho = Infinity;
    sin.lambda = lambda;
    sin.useDisk = useDisk;
    sin.useNet = useNet;
    sin.useDom0 = dom0 && (useDisk || useNet);
    sin.sloMs = sloA[i];
    sin.rhoCpu = isoRho;
    sin.rhoDisk = useDisk ? (db * msi) / (Math.min(dP, hostDisk) * isoDom0Scale) : 0;
    sin.rhoNet = useNet ? (nb * msi) / (Math.min(nP, hostNet) * isoDom0Scale) : 0;
    sin.uDisk = dIso / hostDisk;
    sin.uNet = nIso / hostNet;
    sin.uDom0 = dom0 ? Math.min(1, dom0Iso / Math.max(dom0Vcpus, 1e-9)) : 0;
    sin.extraMs = useNet ? rttMs : 0;
    sin.netExtraMs = sin.extraMs;
    evaluate(sin, sout);
    isoLambda[i] = lambda;
    isoDisk[i] = db;
    isoNet[i] = nb;
    isoGoodA[i] = sout.throughput * sout.goodFraction;
    isoP99[i] = sout.latencyP99Ms;
  }
}
