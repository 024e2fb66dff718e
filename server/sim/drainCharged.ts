/**
 * Dom0's CPU for the services draining a backlog where Dom0's work is charged to the guests that
 * cause it ([G06] SEDF-DC, `dom0Charging`; model spec §5, para). Each backend carries what its guest's
 * grant paid for (dom0head.ts), and every drained op still passes its backend on Dom0's vCPUs: the
 * drainers share what Dom0 has spare, max-min among their backends (as the uncharged split does,
 * drainDom0.ts), each no more than its own grant can still pay for. outcome.ts books what they take.
 */
import { splitDrains } from './drainsplit.js';
import type { SimState } from './state.js';
import type { Work } from './work.js';

/**
 * Splits `idleDisk` and `idleNet` among the drainers (drainsplit.ts, their ceilings already set by
 * `capAtDom0`), then Dom0's spare among their backends on what the split gave them: each drainer's
 * ceiling on a device is what its share of the spare lets its backend there carry beyond its served
 * work. Where that holds a drainer below what the idle gave it, the idle it leaves goes to the others.
 */
export function drainCharged(st: SimState, w: Work, idleDisk: number, idleNet: number): void {
  const n = st.vps.length;
  const d = w.drains;
  const s = w.s;
  splitDrains(w, idleDisk, idleNet);
  const dd = w.drainDom0;
  const want = dd.want,
    got = dd.got,
    base = dd.base;
  const kd = st.params.diskOpCpuS * st.profile.dom0IoFactor;
  const cause = s.dom0Cause,
    ds = s.diskServed,
    ns = s.netServed;
  // Each draining backend's work (its guest's backend work on that device, backends.ts) and the
  // Dom0 CPU it asks beyond it: that work scaled by what the idle gave it over what it is served.
  for (let j = 0; j < d.kDisk; j++) {
    const i = d.disk[j];
    const cd = Math.min(cause[i], ds[i] * kd);
    base[i] = cd;
    want[i] = cd > 0 && ds[i] > 0 ? cd * (d.dGot[i] / ds[i]) : 0;
  }
  for (let j = 0; j < d.kNet; j++) {
    const i = d.net[j];
    const cn = Math.max(0, cause[i] - Math.min(cause[i], ds[i] * kd));
    base[n + i] = cn;
    want[n + i] = cn > 0 && ns[i] > 0 ? cn * (d.nGot[i] / ns[i]) : 0;
  }
  // No more than its own grant can still pay for (both backends' asks scaled alike where it drains
  // on both).
  for (let j = 0; j < d.kDisk; j++) capToGrant(st, w, d.disk[j]);
  for (let j = 0; j < d.kNet; j++) {
    const i = d.net[j];
    if (d.onDisk[i] !== 1) capToGrant(st, w, i);
  }
  shareSpare(w, n);
  // Each drainer's ceiling: its served work plus what its share of the spare carries there.
  let bound = false;
  for (let j = 0; j < d.kDisk; j++) {
    const i = d.disk[j];
    if (base[i] > 0) {
      const ceil = ds[i] * (1 + got[i] / base[i]);
      if (ceil < d.dCeil[i]) d.dCeil[i] = ceil;
      if (ds[i] + d.dGot[i] > d.dCeil[i] * (1 + 1e-12)) bound = true;
    }
  }
  for (let j = 0; j < d.kNet; j++) {
    const i = d.net[j];
    if (base[n + i] > 0) {
      const ceil = ns[i] * (1 + got[n + i] / base[n + i]);
      if (ceil < d.nCeil[i]) d.nCeil[i] = ceil;
      if (ns[i] + d.nGot[i] > d.nCeil[i] * (1 + 1e-12)) bound = true;
    }
  }
  if (bound) splitDrains(w, idleDisk, idleNet);
}

/**
 * Guest i's draining backends' asks (`want` at i where it drains on the disk, at n + i where it
 * drains on the network) scaled down to what its grant can still pay for, if they ask more: where
 * its share of the cores holds it, that share (its CPU headroom) beyond what it is granted now for
 * itself and its backends, of which each request drained takes its own CPU (as the service stage
 * counts it, outcome.ts) and its backends' work in Dom0, in the proportion its requests cost the two
 * (its service's CPU, its backends' work `dom0Cause`).
 */
function capToGrant(st: SimState, w: Work, i: number): void {
  const n = st.vps.length;
  const s = w.s;
  const d = w.drains;
  const want = w.drainDom0.want;
  const onD = d.onDisk[i] === 1,
    onN = d.onNet[i] === 1;
  const asks = (onD ? want[i] : 0) + (onN ? want[n + i] : 0);
  const dom0 = s.dom0Cause[i];
  const own = ((s.appCpu[i] + s.svcIoNeed[i]) * s.memSlow[i] * s.slow[i]) / st.profile.eCpu;
  // (Where its limit holds its headroom, not its share of the cores, its grant pays its backends'
  // work beyond that limit, as chargeDom0 grants it: Dom0's spare is what holds them then.)
  const head = s.cpuHead[i];
  if (!(head < s.cpuLimit[i] * (1 - 1e-9))) return;
  const pays = Math.max(0, head - s.cpuGot[i] - s.dom0Charge[i]);
  const room = dom0 > 0 ? (pays * dom0) / (dom0 + own) : 0;
  if (!(asks > room)) return;
  const f = asks > 0 ? room / asks : 0;
  if (onD) want[i] *= f;
  if (onN) want[n + i] *= f;
}

/**
 * Water-fills Dom0's spare (cores, `dom0Head`) among the draining backends on their asks (`want`),
 * into `got`: every one gets the level, those asking less all they ask. Only the drainers are
 * visited. (Takes no double argument: a double passed to a call that is not inlined is boxed.)
 */
function shareSpare(w: Work, n: number): void {
  const spare = w.dom0Head.spare;
  const d = w.drains;
  const dd = w.drainDom0;
  const want = dd.want,
    got = dd.got,
    fixed = dd.draining;
  // `draining` marks a backend once it is served in full (it is not read under charging otherwise).
  let m = 0,
    asked = 0;
  for (let j = 0; j < d.kDisk; j++) {
    const i = d.disk[j];
    fixed[i] = 0;
    asked += want[i];
    m++;
  }
  for (let j = 0; j < d.kNet; j++) {
    const i = n + d.net[j];
    fixed[i] = 0;
    asked += want[i];
    m++;
  }
  let level = 1 / 0;
  if (asked > spare && m > 0) {
    let rest = spare;
    level = rest / m;
    for (let more = true; more && m > 0;) {
      more = false;
      for (let j = 0; j < d.kDisk + d.kNet; j++) {
        const b = j < d.kDisk ? d.disk[j] : n + d.net[j - d.kDisk];
        if (fixed[b] === 0 && want[b] <= level) {
          fixed[b] = 1;
          rest -= want[b];
          m--;
          more = true;
        }
      }
      if (m > 0) level = Math.max(0, rest) / m;
    }
  }
  for (let j = 0; j < d.kDisk; j++) {
    const i = d.disk[j];
    got[i] = Math.min(want[i], level);
  }
  for (let j = 0; j < d.kNet; j++) {
    const i = n + d.net[j];
    got[i] = Math.min(want[i], level);
  }
}
