/**
 * The idle capacity of a device, split among the services draining a backlog on it (model spec §5,
 * §7): max-min (water-filling), each service capped at what its own bottleneck lets it use of it.
 * A service answers its backlog at the pace of its slowest stage (service.ts: μ = λ / max ρ), so
 * idle beyond the point where this device's ρ meets its CPU's (at its CPU headroom) or its other
 * device's (at what it gets there) drains nothing faster. A service that cannot use any (its CPU,
 * its other device or its fork bomb holds it, or its requests do not use the device) takes none,
 * whatever the reason, and the others share what it leaves. Under para a service's disk or network
 * work also passes its backend in Dom0, whose CPU is split max-min among the backends (§5): it can
 * use no idle beyond what Dom0 carries for that backend, and none where Dom0 holds it back.
 */
import { backendLimits } from './dom0head.js';
import type { SimState } from './state.js';
import type { Work } from './work.js';

/** The services draining on each device this tick, and what each is given of the idle. */
export class DrainSplit {
  /** VPS indices draining on the disk (the first `kDisk`) and on the network (the first `kNet`). */
  readonly disk: Int32Array;
  readonly net: Int32Array;
  kDisk = 0;
  kNet = 0;
  /** Per VPS: 1 while it drains on the disk (network) this tick; headroom.ts clears it. */
  readonly onDisk: Uint8Array;
  readonly onNet: Uint8Array;
  /** Per VPS: the idle it can use at most, then what it is given (disk, network). */
  readonly dCap: Float64Array;
  readonly nCap: Float64Array;
  readonly dGot: Float64Array;
  readonly nGot: Float64Array;
  /**
   * Per VPS: the most its disk and its network can get through its backends in Dom0 (para; else
   * Infinity), set for every drainer.
   */
  readonly dCeil: Float64Array;
  readonly nCeil: Float64Array;
  /** Per VPS: the ρ of its CPU stage at its CPU headroom (as outcome.ts works it out). */
  readonly rhoCpu: Float64Array;
  /** Per draining slot: 1 once its cap is below the water level. */
  readonly fixed: Uint8Array;
  /** The water level of each device (Infinity: every drainer is capped below it). */
  dLevel = 0;
  nLevel = 0;
  constructor(n: number) {
    this.disk = new Int32Array(n);
    this.net = new Int32Array(n);
    this.onDisk = new Uint8Array(n);
    this.onNet = new Uint8Array(n);
    this.dCap = new Float64Array(n);
    this.nCap = new Float64Array(n);
    this.dGot = new Float64Array(n);
    this.nGot = new Float64Array(n);
    this.dCeil = new Float64Array(n);
    this.nCeil = new Float64Array(n);
    this.rhoCpu = new Float64Array(n);
    this.fixed = new Uint8Array(n);
  }
}

/** At most this many rounds of caps read from the other device's split (it converges in one or two). */
const ROUNDS = 4;

/**
 * Lists VPS i (it has a backlog, its want served on the devices `onD` / `onN` with room left on its
 * path there) as a drainer on each of them where it could use some idle: its requests use the
 * device and its CPU does not hold it already at what it is served there (a cap of 0, worked out
 * here rather than in the split: the same result, and nothing to split where every backlog is held).
 */
export function listDrainer(st: SimState, w: Work, i: number, onD: boolean, onN: boolean): void {
  const d = w.drains;
  const s = w.s;
  // The ρ of its CPU stage at its CPU headroom (the same arithmetic as outcome.ts).
  const svcCpu = s.appCpu[i] + s.svcIoNeed[i];
  const avail = (Math.max(0, s.cpuHead[i] - s.faultIoCpu[i]) * st.profile.eCpu) / s.slow[i];
  let rho = 0;
  if (avail > 0) rho = (svcCpu * s.memSlow[i]) / avail;
  else if (svcCpu > 0) rho = 1 / 0;
  const sf = w.ctx.hung === true ? 0 : s.serviceFactor[i];
  if (sf < 1) {
    if (sf > 0) rho = rho / sf;
    else rho = 1 / 0;
  }
  d.rhoCpu[i] = rho;
  d.dCeil[i] = 1 / 0;
  d.nCeil[i] = 1 / 0;
  const scale = s.faultIoScale[i],
    slowAll = s.memSlow[i];
  const db = s.diskBase[i],
    nb = s.netBase[i];
  if (onD && db > 0 && !(rho > 0 && rho >= rhoAt(db, s.diskFault[i] * scale, slowAll, s.diskServed[i]))) {
    d.disk[d.kDisk++] = i;
    d.onDisk[i] = 1;
  }
  if (onN && nb > 0 && !(rho > 0 && rho >= rhoAt(nb, s.netFault[i] * scale, slowAll, s.netServed[i]))) {
    d.net[d.kNet++] = i;
    d.onNet[i] = 1;
  }
}

/**
 * Under para (after `dom0Head`): each drainer's most on each device through its backends in Dom0
 * (`backendLimits`), what it is served there where Dom0 holds the backend back. Only the drainers:
 * nothing where no backlog drains.
 */
export function capAtDom0(st: SimState, w: Work): void {
  const d = w.drains;
  const o = w.dom0Head.out;
  for (let j = 0; j < d.kDisk; j++) {
    const i = d.disk[j];
    backendLimits(st, w, i);
    d.dCeil[i] = o[2];
    d.nCeil[i] = o[3];
  }
  for (let j = 0; j < d.kNet; j++) {
    const i = d.net[j];
    if (d.onDisk[i] === 1) continue;
    backendLimits(st, w, i);
    d.dCeil[i] = o[2];
    d.nCeil[i] = o[3];
  }
}

/**
 * Splits `idleDisk` and `idleNet` among the drainers `listDrainer` listed. Each drainer's cap on a
 * device is the idle at which that device's ρ falls to the larger of its CPU's and its other
 * device's, that other device read at what it could get there (its own served work, plus the whole
 * idle where it drains there too), then, where some service drains on both with room on each, at
 * what that device's split gives it, round after round until nothing moves. (A cap of 0 stays 0:
 * the other device never gives more than the whole idle.)
 */
export function splitDrains(w: Work, idleDisk: number, idleNet: number): void {
  const d = w.drains;
  let both = capDevice(w, true, true, idleNet);
  both = capDevice(w, false, true, idleDisk) || both;
  fill(d, true, idleDisk);
  fill(d, false, idleNet);
  for (let r = 1; both && r < ROUNDS; r++) {
    const movedDisk = capDevice(w, true, false, idleNet);
    const movedNet = capDevice(w, false, false, idleDisk);
    if (!movedDisk && !movedNet) break;
    fill(d, true, idleDisk);
    fill(d, false, idleNet);
  }
}

/**
 * Sets the cap on device x (the disk where `onDisk`, else the network) of each of its drainers, the
 * other device being y, whose idle is `yIdle`: from each drainer's base demand, storm or flood,
 * served work, path and Dom0 ceiling on each, whether it drains on y and what y's split gave it.
 * `first`: y read at the most it could get there (a cap of 0 is then final), else at y's last
 * grant, and only for those with a cap that drain on y. Returns, on the first round, whether some
 * drainer has a cap and drains on y too; later, whether a cap moved.
 */
function capDevice(w: Work, onDisk: boolean, first: boolean, yIdle: number): boolean {
  const d = w.drains;
  const s = w.s;
  const pl = w.plan;
  const list = onDisk ? d.disk : d.net,
    k = onDisk ? d.kDisk : d.kNet,
    cap = onDisk ? d.dCap : d.nCap;
  const xBase = onDisk ? s.diskBase : s.netBase,
    xFault = onDisk ? s.diskFault : s.netFault,
    xServed = onDisk ? s.diskServed : s.netServed,
    xPath = onDisk ? pl.dPath : pl.nPath,
    xCeil = onDisk ? d.dCeil : d.nCeil;
  const yBase = onDisk ? s.netBase : s.diskBase,
    yFault = onDisk ? s.netFault : s.diskFault,
    yServed = onDisk ? s.netServed : s.diskServed,
    yPath = onDisk ? pl.nPath : pl.dPath,
    yCeil = onDisk ? d.nCeil : d.dCeil,
    yOn = onDisk ? d.onNet : d.onDisk,
    yGot = onDisk ? d.nGot : d.dGot;
  const faultIoScale = s.faultIoScale,
    memSlow = s.memSlow,
    rhoCpuA = d.rhoCpu;
  let flag = false;
  for (let j = 0; j < k; j++) {
    const i = list[j];
    const yDrains = yOn[i] === 1;
    if (!first && !(yDrains && cap[i] > 0)) continue;
    const xb = xBase[i],
      xs = xServed[i];
    // The most it can get on x: its path, and what Dom0 carries for its backend there.
    const xRoom = Math.min(xPath[i], xCeil[i]);
    let c = 0;
    const scale = faultIoScale[i];
    const xf = xFault[i] * scale,
      slowAll = memSlow[i];
    const rhoServed = xb > 0 ? rhoAt(xb, xf, slowAll, xs) : 0;
    const rhoC = rhoCpuA[i];
    // (Where its CPU alone holds it there is no other device to read.)
    if (xb > 0 && !(rhoC > 0 && rhoC >= rhoServed)) {
      // The other device's ρ at what it gets there (0 where its requests do not use it), no more
      // than Dom0 carries for its backend there.
      let rhoY = 0;
      const yb = yBase[i];
      if (yb > 0) {
        const ys = yServed[i];
        let ya = ys;
        if (yDrains) ya = first ? Math.min(yPath[i], ys + yIdle) : ys + yGot[i];
        if (yCeil[i] < ya) ya = yCeil[i];
        rhoY = rhoAt(yb, yFault[i] * scale, slowAll, ya);
      }
      const rhoOther = Math.max(rhoC, rhoY);
      if (!(rhoOther > 0)) c = Math.max(0, xRoom - xs);
      else if (rhoOther < rhoServed) {
        // The headroom at which this device's ρ meets the other's: xb·slow / (share · ρ).
        let share = 1;
        if (xf !== 0 && xb + xf > 0) share = xb / (xb + xf);
        c = Math.max(0, Math.min(xRoom, (xb * slowAll) / (share * rhoOther)) - xs);
      }
    }
    if (first) {
      if (c > 0 && yDrains) flag = true;
    } else if (cap[i] !== c) flag = true;
    cap[i] = c;
  }
  return flag;
}

/** The ρ of a service's stage on a device whose headroom is `a` (outcome.ts): Infinity at none. */
/**
 * Whether drainer i, on both devices, drains at a pace no split sets: at what the split gave it on
 * each, neither device's ρ is above the largest of its CPU's and each device's at the most its path
 * (and Dom0) lets it have there. That bottleneck then paces its drain, and the idle it leaves on each
 * device is not its (headroom.ts reads it the headroom of one not draining there, as a drainer on
 * one device that its own bottleneck holds).
 */
export function pacedOutsideSplit(w: Work, i: number): boolean {
  const d = w.drains;
  const s = w.s;
  const pl = w.plan;
  if (d.dGot[i] === d.dLevel || d.nGot[i] === d.nLevel) return false;
  const scale = s.faultIoScale[i],
    slowAll = s.memSlow[i];
  const db = s.diskBase[i],
    nb = s.netBase[i],
    df = s.diskFault[i] * scale,
    nf = s.netFault[i] * scale;
  let pace = d.rhoCpu[i];
  const dMost = rhoAt(db, df, slowAll, Math.min(pl.dPath[i], d.dCeil[i])),
    nMost = rhoAt(nb, nf, slowAll, Math.min(pl.nPath[i], d.nCeil[i]));
  if (dMost > pace) pace = dMost;
  if (nMost > pace) pace = nMost;
  pace *= 1 + 1e-12;
  return (
    pace >= rhoAt(db, df, slowAll, s.diskServed[i] + d.dGot[i]) &&
    pace >= rhoAt(nb, nf, slowAll, s.netServed[i] + d.nGot[i])
  );
}

function rhoAt(b: number, f: number, slowAll: number, a: number): number {
  let share = 1;
  if (f !== 0 && b + f > 0) share = b / (b + f);
  const svc = a * share;
  return svc > 0 ? (b * slowAll) / svc : 1 / 0;
}

/**
 * Water-fills `idle` among the drainers of one device, each at most its cap: every drainer gets the
 * level, those capped below it their cap. With no cap below idle / k (k: those with a cap) the
 * level is exactly that, the split of the idle among them alone.
 */
function fill(d: DrainSplit, onDisk: boolean, idle: number): void {
  const k = onDisk ? d.kDisk : d.kNet;
  if (k === 0) return;
  const list = onDisk ? d.disk : d.net;
  const cap = onDisk ? d.dCap : d.nCap;
  const got = onDisk ? d.dGot : d.nGot;
  const fixed = d.fixed;
  // One that can use none of it is no drainer: it is left out before the level is first drawn.
  let m = 0;
  for (let j = 0; j < k; j++) {
    const held = cap[list[j]] > 0 ? 0 : 1;
    fixed[j] = held;
    m += 1 - held;
  }
  let rest = idle,
    level = 1 / 0;
  if (m > 0) level = idle / m;
  while (m > 0) {
    let more = false;
    for (let j = 0; j < k; j++) {
      if (fixed[j] === 0 && cap[list[j]] < level) {
        fixed[j] = 1;
        rest -= cap[list[j]];
        m--;
        more = true;
      }
    }
    if (!more) break;
    if (m === 0) {
      level = 1 / 0;
      break;
    }
    level = Math.max(0, rest) / m;
  }
  for (let j = 0; j < k; j++) {
    const i = list[j];
    got[i] = fixed[j] === 1 ? cap[i] : level;
  }
  if (onDisk) d.dLevel = level;
  else d.nLevel = level;
}
