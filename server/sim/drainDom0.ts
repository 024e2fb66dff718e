/**
 * Dom0's CPU for the services draining a backlog (model spec §5, para): every op a guest is served
 * passes its backend in Dom0 and costs Dom0 CPU, the ops of a draining backlog as much as any other.
 * Dom0's CPU is split max-min among the backends, so the drained work joins that split: each
 * draining backend asks what it would be served plus what the device's idle lets it drain, and
 * Dom0's capacity is water-filled among all the backends on these wants. Where they fit, each drains
 * all it is given of the idle, from Dom0's spare; where they do not, the drainers share the spare
 * max-min, none drains beyond the fair level, and a backend above that level (a storm's) carries
 * less by what a drainer under it takes. outcome.ts books the Dom0 CPU of what was drained.
 */
import { backendLimits } from './dom0head.js';
import { splitDrains } from './drainsplit.js';
import * as allocMod from './allocate.js';
import type { SimState } from './state.js';
import type { Work } from './work.js';

const { waterFillDomain } = allocMod;

/** Dom0's split with the drained work in it, and what the drained ops cost it. */
export class DrainDom0 {
  /** Per backend (guest i's blkback at i, its netback at n + i): Dom0 CPU it asks, then gets (cores). */
  readonly want: Float64Array;
  readonly got: Float64Array;
  /** Per backend: the Dom0 CPU of what it is served before any drain (cores). */
  readonly base: Float64Array;
  /** Per backend: the Dom0 CPU it carries of its own work before any drain (cores). */
  readonly carried: Float64Array;
  /** Per backend: 1 where its guest drains a backlog through it this tick. */
  readonly draining: Uint8Array;
  /** Per guest: the disk ops (network Mbit/s) a second it drained this tick beyond its base demand. */
  readonly disk: Float64Array;
  readonly net: Float64Array;
  /** Per guest: 1 where the service pass booked it a drain this tick (drainPass.ts books it again). */
  readonly drainer: Uint8Array;
  /** Per backend: what `settleDom0` took from it (Dom0 cores; 0: nothing), and what its guest was served before. */
  readonly cut: Float64Array;
  readonly was: Float64Array;
  /** Some guest drained this tick (`disk`, `net` or `drainer` holds a figure to clear). */
  booked = false;
  /** `settleDom0` took from some backend (`cut` holds it). */
  settled = false;
  /** `carried` and `draining` hold this tick's split (set by `drainThroughDom0`). */
  ready = false;
  /** Dom0's CPU the backends' work and the drains may take this tick (cores, `drainRoom`). */
  room = 0;
  /** Dom0 CPU the drained ops cost this tick (cores), summed by outcome.ts as it books them. */
  work = 0;
  /** Dom0 CPU the backends that do not drain gave up to the drained work (cores, `settleDom0`). */
  displaced = 0;
  constructor(n: number) {
    this.want = new Float64Array(2 * n);
    this.got = new Float64Array(2 * n);
    this.base = new Float64Array(2 * n);
    this.carried = new Float64Array(2 * n);
    this.draining = new Uint8Array(2 * n);
    this.disk = new Float64Array(n);
    this.net = new Float64Array(n);
    this.drainer = new Uint8Array(n);
    this.cut = new Float64Array(2 * n);
    this.was = new Float64Array(2 * n);
  }

  /** Clears the tick's drains (deviceHeadroom, before any is booked). */
  clear(): void {
    this.work = 0;
    this.displaced = 0;
    this.ready = false;
    if (this.booked) {
      this.disk.fill(0);
      this.net.fill(0);
      this.drainer.fill(0);
      this.booked = false;
    }
    if (this.settled) {
      this.cut.fill(0);
      this.settled = false;
    }
  }
}

/**
 * Splits `idleDisk` and `idleNet` among the drainers (drainsplit.ts), with Dom0's CPU split among
 * all the backends on their work plus what the drainers are given: each drainer's ceiling on a
 * device is what that split lets its backend there carry. Dom0 up and not charging. What the
 * drainers then take beyond Dom0's spare, `settleDom0` takes from the others after the service pass
 * (from what they drained, not from what they were given: Dom0 gives what a drainer leaves back).
 */
export function drainThroughDom0(st: SimState, w: Work, idleDisk: number, idleNet: number): void {
  const n = st.vps.length;
  const d = w.drains;
  const s = w.s;
  const dd = w.drainDom0;
  const kd = st.params.diskOpCpuS * st.profile.dom0IoFactor;
  // A drainer whose backend Dom0 holds already drains nothing there (its ceiling: what it carries).
  for (let j = 0; j < d.kDisk; j++) heldCeilings(st, w, d.disk[j]);
  for (let j = 0; j < d.kNet; j++) if (d.onDisk[d.net[j]] !== 1) heldCeilings(st, w, d.net[j]);
  splitDrains(w, idleDisk, idleNet);
  // Every backend's work (backends.ts), the drainers' raised by what the split gave them.
  const want = dd.want,
    base = dd.base,
    cause = s.dom0Cause,
    ds = s.diskServed,
    ns = s.netServed;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const c = cause[i];
    const cd = Math.min(c, ds[i] * kd);
    base[i] = cd;
    base[n + i] = Math.max(0, c - cd);
    want[i] = cd;
    want[n + i] = base[n + i];
  }
  for (let j = 0; j < d.kDisk; j++) {
    const i = d.disk[j];
    if (base[i] > 0 && ds[i] > 0) want[i] += base[i] * (d.dGot[i] / ds[i]);
  }
  for (let j = 0; j < d.kNet; j++) {
    const i = d.net[j];
    if (base[n + i] > 0 && ns[i] > 0) want[n + i] += base[n + i] * (d.nGot[i] / ns[i]);
  }
  for (let j = 0; j < 2 * n; j++) sum += want[j];
  const cap = drainRoom(st, w);
  dd.room = cap;
  const got = dd.got;
  if (sum > cap) waterFillDomain(2 * n, want, w.backends.ones, cap, got, 0, true);
  else got.set(want);
  // Each drainer's ceiling: what Dom0 carries through its backend, as ops (or Mbit/s) it is served.
  let bound = false;
  for (let j = 0; j < d.kDisk; j++) {
    const i = d.disk[j];
    // (Only where Dom0 holds it below its want: one it carries in full is held by nothing here.)
    if (base[i] > 0 && got[i] < want[i]) {
      const ceil = ds[i] * (got[i] / base[i]);
      if (ceil < d.dCeil[i]) d.dCeil[i] = ceil;
      if (ds[i] + d.dGot[i] > d.dCeil[i] * (1 + 1e-12)) bound = true;
    }
  }
  for (let j = 0; j < d.kNet; j++) {
    const i = d.net[j];
    if (base[n + i] > 0 && got[n + i] < want[n + i]) {
      const ceil = ns[i] * (got[n + i] / base[n + i]);
      if (ceil < d.nCeil[i]) d.nCeil[i] = ceil;
      if (ns[i] + d.nGot[i] > d.nCeil[i] * (1 + 1e-12)) bound = true;
    }
  }
  // Where Dom0 holds a drainer below what the idle gave it, the idle it leaves goes to the others.
  if (bound) splitDrains(w, idleDisk, idleNet);
  // What each backend carries of its own work before any drain, for `settleDom0`.
  const carried = dd.carried,
    draining = dd.draining;
  if (w.dom0Head.perBackend) carried.set(w.backends.got);
  else carried.set(base);
  // (One that Dom0 holds, given none of the idle, drains nothing through it: it gives up as the others.)
  draining.fill(0);
  for (let j = 0; j < d.kDisk; j++) if (d.dGot[d.disk[j]] > 0) draining[d.disk[j]] = 1;
  for (let j = 0; j < d.kNet; j++) if (d.nGot[d.net[j]] > 0) draining[n + d.net[j]] = 1;
  dd.ready = true;
}

/**
 * Books the device work of the requests VPS i answered beyond what its base demand was served (a
 * draining backlog; outcome.ts calls it as it evaluates the service) as demanded and served, adds
 * it to the host's device totals and, at Dom0's I/O factor times its native CPU (none without a
 * Dom0 on the path), to Dom0's work. (Takes no double arguments: called per draining VPS and not
 * inlined, each double passed would be boxed on the heap.)
 */
export function bookDrain(st: SimState, w: Work, i: number): void {
  const s = w.s;
  const p = st.profile;
  // Dom0 CPU per native core of a drained op's work (charged, drainCharged.ts: its guest's grant
  // pays it, and Dom0's vCPUs still do it).
  const dom0Factor = p.dom0 === true ? p.dom0IoFactor : 0;
  const lambda = s.lambda[i];
  let dom0 = 0;
  const thr = w.m.throughputRps[i];
  const db = s.diskBase[i],
    nb = s.netBase[i];
  if (db > 0) {
    const df = s.diskFault[i] * s.faultIoScale[i];
    // (Without a storm its share is db / db, exactly 1.)
    let part = s.diskServed[i];
    if (df !== 0) part *= db / (db + df);
    const extra = (thr * db) / lambda - part;
    if (extra > 0) {
      w.drainDom0.disk[i] = extra;
      w.drainDom0.drainer[i] = 1;
      w.drainDom0.booked = true;
      s.diskServed[i] += extra;
      w.m.diskDemandIops[i] += extra;
      w.shared.sumDisk += extra;
      dom0 += extra * w.sin.params.diskOpCpuS;
    }
  }
  if (nb > 0) {
    const nf = s.netFault[i] * s.faultIoScale[i];
    let part = s.netServed[i];
    if (nf !== 0) part *= nb / (nb + nf);
    const extra = (thr * nb) / lambda - part;
    if (extra > 0) {
      w.drainDom0.net[i] = extra;
      w.drainDom0.drainer[i] = 1;
      w.drainDom0.booked = true;
      s.netServed[i] += extra;
      w.m.netDemandMbps[i] += extra;
      w.shared.sumNet += extra;
      dom0 += extra * w.sin.params.netMbitCpu;
    }
  }
  // Under para each drained op passes its backend in Dom0 and costs it as any other (§5).
  w.drainDom0.work += dom0 * dom0Factor;
}

/**
 * What Dom0 may take for its backends' work and the drains: its vCPUs (or, held below its want, its
 * grant), no further than the cores the guests, the host OS and its own grant leave idle. A drained
 * op runs on a core like any other: where the guests keep every core busy, the drains share Dom0's
 * grant with the backends' own work.
 */
function drainRoom(st: SimState, w: Work): number {
  const sh = w.shared;
  const got = w.s.cpuGot;
  let used = sh.dom0Got + sh.hostOsCpu;
  for (let i = 0; i < st.vps.length; i++) used += got[i];
  const idle = st.host.cores - used;
  return Math.min(sh.dom0Cap, sh.dom0Got + (idle > 0 ? idle : 0));
}

/** Drainer i's ceilings where Dom0 holds its backend (what it carries), else none (Infinity). */
function heldCeilings(st: SimState, w: Work, i: number): void {
  const d = w.drains;
  const o = w.dom0Head.out;
  backendLimits(st, w, i);
  d.dCeil[i] = o[0] < 1 ? o[2] : 1 / 0;
  d.nCeil[i] = o[1] < 1 ? o[3] : 1 / 0;
}

/**
 * After the service pass booked what the drainers drained (`work`, Dom0 cores): where Dom0 had not
 * that much spare, the backends that are not draining give up the rest from the top down, as a
 * max-min split does (those above a level L′ come down to it, the others keep all theirs), and each
 * such guest is served that much less on the device of its backend. Sets `displaced`.
 */
export function settleDom0(st: SimState, w: Work): void {
  const dd = w.drainDom0;
  const sh = w.shared;
  // (With no split of this tick, Dom0's vCPUs: charged, drainCharged.ts held each drain to what its
  // guest's grant pays for.)
  const over = sh.dom0Got + dd.work - (dd.ready ? dd.room : sh.dom0Cap);
  if (!(dd.work > 0 && over > 0)) return;
  if (!dd.ready) {
    // (Drained with no split of this tick to read: Dom0 still works no more than it has.)
    dd.displaced = over;
    return;
  }
  const n = st.vps.length;
  const carried = dd.carried,
    draining = dd.draining;
  // L′: Σ over the others of max(0, carried − L′) = over (a few rounds: those under L′ drop out).
  let sum = 0,
    m = 0;
  for (let j = 0; j < 2 * n; j++) {
    if (draining[j] === 0 && carried[j] > 0) {
      sum += carried[j];
      m++;
    }
  }
  if (m === 0) return;
  let level = (sum - over) / m;
  for (let moved = true; moved;) {
    moved = false;
    sum = 0;
    m = 0;
    for (let j = 0; j < 2 * n; j++) {
      if (draining[j] === 0 && carried[j] > level) {
        sum += carried[j];
        m++;
      }
    }
    const next = m > 0 ? (sum - over) / m : level;
    if (next !== level) {
      moved = next > level;
      level = next;
    }
  }
  if (level < 0) level = 0;
  const s = w.s;
  const served = s.dom0Served;
  let cut = 0;
  for (let j = 0; j < 2 * n; j++) {
    const c = carried[j];
    if (draining[j] !== 0 || !(c > level)) continue;
    const f = level / c;
    cut += c - level;
    dd.cut[j] = c - level;
    dd.settled = true;
    if (j < n) {
      const ds = s.diskServed[j];
      dd.was[j] = ds;
      s.diskServed[j] = ds * f;
      sh.sumDisk -= ds - ds * f;
      served[j] -= c - level;
    } else {
      const ns = s.netServed[j - n];
      dd.was[j] = ns;
      s.netServed[j - n] = ns * f;
      sh.sumNet -= ns - ns * f;
      served[j - n] -= c - level;
    }
  }
  dd.displaced = cut;
}

/**
 * Gives back what `settleDom0` took from the backends that were not draining (before the drains
 * are booked again and Dom0 settled at what they are now).
 */
export function unsettleDom0(st: SimState, w: Work): void {
  const dd = w.drainDom0;
  dd.displaced = 0;
  if (!dd.settled) return;
  const n = st.vps.length;
  const s = w.s;
  const sh = w.shared;
  const cut = dd.cut,
    was = dd.was;
  for (let j = 0; j < 2 * n; j++) {
    const c = cut[j];
    if (!(c > 0)) continue;
    if (j < n) {
      sh.sumDisk += was[j] - s.diskServed[j];
      s.diskServed[j] = was[j];
      s.dom0Served[j] += c;
    } else {
      sh.sumNet += was[j] - s.netServed[j - n];
      s.netServed[j - n] = was[j];
      s.dom0Served[j - n] += c;
    }
    cut[j] = 0;
  }
  dd.settled = false;
}
