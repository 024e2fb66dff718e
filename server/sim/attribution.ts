/**
 * Who hurts whom (model spec §7): a victim's shortfall on a shared resource is split among its
 * neighbours in proportion to their use above their fair share. O(n) per resource: the top few
 * culprits are found once, and each suffering victim gets at most `attributionTop` edges.
 */
import { RESOURCES, type Attribution } from '../../shared/model.js';
import { journalWaitMs, ownDrainMs } from './journal.js';
import type { SimState } from './state.js';
import type { Work } from './work.js';

/** Indices of the TOP + 1 largest positive entries of `excess` (so one can be the victim itself). */
function topIndices(n: number, excess: Float64Array, TOP: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = excess[i];
    if (!(x > 0)) continue;
    let j: number;
    if (best.length <= TOP) j = best.push(i) - 1;
    else if (x > excess[best[best.length - 1]]) j = best.length - 1;
    else continue;
    // Kept largest first; an entry goes after the ones as large as it (they came first).
    while (j > 0 && excess[best[j - 1]] < x) {
      best[j] = best[j - 1];
      j--;
    }
    best[j] = i;
  }
  return best;
}

/** The edges of one tick as `[victim, culprit, resource, share]` quads (VPS indices, index into RESOURCES). */
export class EdgeQuads {
  data = new Float64Array(64);
  count = 0;
  push(victim: number, culprit: number, resource: number, share: number): void {
    const at = this.count * 4;
    if (at + 4 > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[at] = victim;
    this.data[at + 1] = culprit;
    this.data[at + 2] = resource;
    this.data[at + 3] = share;
    this.count++;
  }
  /** Whether edges [from, to) hold one from `culprit` to `victim` on `resource`. */
  has(from: number, to: number, victim: number, culprit: number, resource: number): boolean {
    const d = this.data;
    for (let k = from * 4; k < to * 4; k += 4)
      if (d[k] === victim && d[k + 1] === culprit && d[k + 2] === resource) return true;
    return false;
  }
  /** The edges as objects, in the order they were found. */
  toList(st: SimState): Attribution[] {
    const out: Attribution[] = [];
    const d = this.data;
    for (let k = 0; k < this.count * 4; k += 4)
      out.push({
        victim: st.vps[d[k]].id,
        culprit: st.vps[d[k + 1]].id,
        resource: RESOURCES[d[k + 2]],
        share: d[k + 3],
      });
    return out;
  }
}

const CPU = RESOURCES.indexOf('cpu');
const DISK = RESOURCES.indexOf('disk');
const NET = RESOURCES.indexOf('net');
const CACHE = RESOURCES.indexOf('cache');
const MEM = RESOURCES.indexOf('mem');
const KERNEL = RESOURCES.indexOf('kernel');

function emit(
  out: EdgeQuads,
  st: SimState,
  resource: number,
  excess: Float64Array,
  total: number,
  top: number[],
  victim: number,
): void {
  const TOP = st.params.attributionTop;
  const rest = total - (excess[victim] > 0 ? excess[victim] : 0);
  if (rest <= 0) return;
  let k = 0;
  for (const j of top) {
    if (j === victim || k >= TOP) continue;
    const share = excess[j] / rest;
    if (share < st.params.attributionMinShare) continue;
    out.push(victim, j, resource, share);
    k++;
  }
}

/**
 * Whether any victim can get an edge from `top` (indices into `excess`, largest first): the largest
 * share any victim can be given is the largest excess over the total without it, and a share below
 * `attributionMinShare` is never reported. Rounding is monotone, so when that bound is below the
 * minimum every share `emit` would compute is too: skipping the victims gives the same edges.
 */
function canEmit(st: SimState, excess: Float64Array, total: number, top: number[]): boolean {
  if (!top.length) return false;
  const largest = excess[top[0]];
  const rest = total - largest;
  return !(rest > 0 && largest / rest < st.params.attributionMinShare);
}

/**
 * Fills `scratch[i]` with each VPS's use above an equal share (`use[i] − fair`, at least 0) and
 * returns their sum, added in index order.
 */
function excessOver(n: number, use: Float64Array, fair: number, scratch: Float64Array): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = Math.max(0, use[i] - fair);
    scratch[i] = x;
    total += x;
  }
  return total;
}

/**
 * Fills `scratch[i]` with each VPS's resident memory above its fair share of host RAM and returns
 * their sum: its plan's part of the host (its reservation, as a weight is its part of the CPU), so
 * a large plan used as sized is not blamed beside a leak that pushed the host into swap.
 */
function ramExcess(
  n: number,
  resident: Float64Array,
  plan: Float64Array,
  hostRam: number,
  scratch: Float64Array,
): number {
  let planned = 0;
  for (let i = 0; i < n; i++) planned += plan[i];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = Math.max(0, resident[i] - (planned > 0 ? (hostRam * plan[i]) / planned : hostRam / n));
    scratch[i] = x;
    total += x;
  }
  return total;
}

/** Index of the first VPS short of a device it uses (served under 99 % of its want, or the device busy), else n. */
function firstShortOfDevice(
  n: number,
  base: Float64Array,
  served: Float64Array,
  want: Float64Array,
  busy: boolean,
): number {
  for (let i = 0; i < n; i++) if (base[i] > 0 && (busy || served[i] < want[i] * 0.99)) return i;
  return n;
}

/**
 * A device's edges: each VPS using it and short of it (served under 99 % of its want, or the
 * device busy) is hurt by the VPSs served above an equal share of the device's capacity.
 */
function deviceEdges(
  out: EdgeQuads,
  st: SimState,
  resource: number,
  base: Float64Array,
  served: Float64Array,
  want: Float64Array,
  capacity: number,
  busy: boolean,
  scratch: Float64Array,
): void {
  const n = st.vps.length;
  if (firstShortOfDevice(n, base, served, want, busy) === n) return;
  const total = excessOver(n, served, capacity / n, scratch);
  if (total <= 0) return;
  const top = topIndices(n, scratch, st.params.attributionTop);
  if (!canEmit(st, scratch, total, top)) return;
  for (let i = 0; i < n; i++)
    if (base[i] > 0 && (busy || served[i] < want[i] * 0.99)) emit(out, st, resource, scratch, total, top, i);
}

/**
 * The shared kernel's journal (containers, journal.ts): a durable write waits for the running
 * transaction's commit and, with limits, for the throttled writers' ordered data in it. A VPS using
 * the disk that waits there longer than its own writes alone would make it is hurt by the VPSs
 * dirtying above an equal share of the device (without limits: the dirty pool is the host's) or
 * held at their `io.max` (with limits: the chunk in flight a commit waits for).
 */
function journalEdges(out: EdgeQuads, st: SimState, w: Work, scratch: Float64Array): void {
  const p = st.profile;
  const shared = w.ctx.journalMs + w.ctx.journalDrainMs;
  if (!p.sharedKernel || !(shared > 0)) return;
  const n = st.vps.length;
  const k = st.params;
  const ws = k.webWriteShare;
  const base = w.s.diskBase,
    storm = w.s.diskFault,
    cap = w.plan.dPath;
  const limits = p.containerLimits === true;
  const fair = (st.host.diskIops * p.eDisk) / n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const dirty = ws * base[i] + storm[i];
    const x = limits ? (dirty > 0 && dirty >= cap[i] ? dirty : 0) : Math.max(0, dirty - fair);
    scratch[i] = x;
    total += x;
  }
  if (!(total > 0)) return;
  const top = topIndices(n, scratch, st.params.attributionTop);
  if (!canEmit(st, scratch, total, top)) return;
  for (let i = 0; i < n; i++) {
    if (!(base[i] > 0)) continue;
    if (shared > journalAloneMs(st, w, i) * 1.01) emit(out, st, DISK, scratch, total, top, i);
  }
}

/** The journal wait VPS i's durable writes would have alone (its own writes, its own throttle), ms. */
function journalAloneMs(st: SimState, w: Work, i: number): number {
  const p = st.profile;
  const k = st.params;
  const own = k.webWriteShare * w.s.diskBase[i];
  return (
    journalWaitMs(p, k, st.host.diskIops, own) +
    (p.containerLimits === true ? ownDrainMs(k, own, w.plan.dPath[i]) : 0)
  );
}

/** The journal's edges of a tick whose device edges are already out (reused: attribution runs to completion). */
const journalQuads = new EdgeQuads();

/**
 * A victim hurt both at the device and through the journal waits for both, so its disk edges are
 * the two splits weighted by what each costs it per request: the journal's extra wait (its writing
 * share of the commit wait above what its own writes alone would make) and the rest of its disk
 * latency (the device). Rewrites the device edges from `from` on; victims with one kind keep it.
 */
function mergeJournal(out: EdgeQuads, from: number, jq: EdgeQuads, st: SimState, w: Work): void {
  const TOP = st.params.attributionTop;
  const min = st.params.attributionMinShare;
  const ws = st.params.webWriteShare;
  const shared = w.ctx.journalMs + w.ctx.journalDrainMs;
  const byVictim = new Map<number, { dev: Map<number, number>; jour: Map<number, number> }>();
  const add = (q: EdgeQuads, lo: number, hi: number, kind: 'dev' | 'jour') => {
    for (let k = lo * 4; k < hi * 4; k += 4) {
      const v = q.data[k];
      let e = byVictim.get(v);
      if (!e) byVictim.set(v, (e = { dev: new Map(), jour: new Map() }));
      e[kind].set(q.data[k + 1], q.data[k + 3]);
    }
  };
  add(out, from, out.count, 'dev');
  add(jq, 0, jq.count, 'jour');
  out.count = from;
  for (const v of [...byVictim.keys()].sort((a, b) => a - b)) {
    const { dev, jour } = byVictim.get(v)!;
    const jw = ws * Math.max(0, shared - journalAloneMs(st, w, v));
    const dw = Math.max(0, w.m.diskLatencyMs[v] - ws * shared);
    const wj = !dev.size ? 1 : !jour.size ? 0 : jw + dw > 0 ? jw / (jw + dw) : 0.5;
    const merged = new Map<number, number>();
    for (const [c, x] of dev) merged.set(c, x * (1 - wj));
    for (const [c, x] of jour) merged.set(c, (merged.get(c) ?? 0) + x * wj);
    const ranked = [...merged].filter(([, x]) => x >= min).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    for (const [c, x] of ranked.slice(0, TOP)) out.push(v, c, DISK, x);
  }
}

/** Whether VPS i is short on Dom0's path: it does I/O and Dom0 is busy or carries under 99 % of its work. */
function dom0Victim(w: Work, i: number, busy: boolean): boolean {
  const s = w.s;
  return (
    s.up[i] > 0 &&
    (s.diskBase[i] > 0 || s.netBase[i] > 0) &&
    (busy || s.dom0Served[i] < s.dom0Cause[i] * 0.99)
  );
}

/**
 * Dom0's path (para, model spec §5): every guest's disk and network I/O passes Dom0's backends, so
 * when Dom0 is busy (or cannot carry a guest's own backend work) each VPS doing I/O waits there,
 * hurt by the guests whose backend work is above an equal share of Dom0. The edge names the device
 * whose rings the culprit fills (blkback: the disk, netback: the network), not Dom0's CPU: the
 * culprit's storm or flood is what an operator throttles. An edge the devices already reported
 * (edges from `deviceFrom` on: same victim, culprit and device) is not repeated.
 */
function dom0PathEdges(
  out: EdgeQuads,
  st: SimState,
  w: Work,
  scratch: Float64Array,
  deviceFrom: number,
): void {
  const n = st.vps.length;
  const s = w.s;
  const busy = w.ctx.uDom0 > 0.8;
  let victim = -1;
  for (let i = 0; i < n && victim < 0; i++) if (dom0Victim(w, i, busy)) victim = i;
  if (victim < 0) return;
  const total = excessOver(n, s.dom0Cause, st.profile.dom0Vcpus / n, scratch);
  if (!(total > 0)) return;
  const TOP = st.params.attributionTop;
  const top = topIndices(n, scratch, TOP);
  if (!canEmit(st, scratch, total, top)) return;
  const k = st.params;
  const from = out.count;
  for (let i = victim; i < n; i++) {
    if (!dom0Victim(w, i, busy)) continue;
    const rest = total - (scratch[i] > 0 ? scratch[i] : 0);
    if (!(rest > 0)) continue;
    let c = 0;
    for (const j of top) {
      if (j === i || c >= TOP) continue;
      const share = scratch[j] / rest;
      if (share < k.attributionMinShare) continue;
      c++;
      const disk = s.diskServed[j] * k.diskOpCpuS;
      const net = (s.netServed[j] + s.netRx[j] * s.faultIoScale[j]) * k.netMbitCpu;
      const resource = disk >= net ? DISK : NET;
      if (!out.has(deviceFrom, from, i, j, resource)) out.push(i, j, resource, share);
    }
  }
}

/** Index of the first entry above `limit`, else n. */
function firstAbove(n: number, xs: Float64Array, limit: number): number {
  for (let i = 0; i < n; i++) if (xs[i] > limit) return i;
  return n;
}

/**
 * The attribution edges of the tick just computed into `w`. Each resource fills `scratch` with
 * every VPS's use above its fair share (at least 0), then splits each suffering victim's shortfall
 * among the top culprits. Written as plain loops per resource (no callback per VPS): this runs
 * every tick of a live lab.
 */
export function attributeInto(st: SimState, w: Work, scratch: Float64Array, out: EdgeQuads): void {
  out.count = 0;
  const n = st.vps.length;
  if (n < 2) return;
  const s = w.s;
  const m = w.m;
  const host = st.host;
  const p = st.profile;
  const TOP = st.params.attributionTop;

  if (p.cpuPolicy === 'share') {
    // Fair share: the host's cores split by weight.
    let sumW = 0;
    for (let i = 0; i < n; i++) sumW += s.weight[i];
    const sumW1 = sumW || 1;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const x = Math.max(0, s.cpuGot[i] - (host.cores * s.weight[i]) / sumW1);
      scratch[i] = x;
      total += x;
    }
    if (!(total <= 0)) {
      const top = topIndices(n, scratch, TOP);
      if (canEmit(st, scratch, total, top))
        for (let i = 0; i < n; i++)
          if (m.cpuSteal[i] > 0.02 || m.schedWaitMs[i] > 1) emit(out, st, CPU, scratch, total, top, i);
    }
  }
  // Each resource below first looks for one victim: with none there is nothing to split, and the
  // excess pass over every VPS is skipped (most ticks of a calm lab).
  const beforeDisk = out.count;
  deviceEdges(
    out,
    st,
    DISK,
    s.diskBase,
    s.diskServed,
    s.diskWant,
    host.diskIops,
    w.shared.diskU > 0.8,
    scratch,
  );
  // A busy device and the shared journal are both the disk: where both hurt a victim, each split
  // counts in proportion to the wait it costs the victim.
  if (out.count === beforeDisk) journalEdges(out, st, w, scratch);
  else if (p.sharedKernel && w.ctx.journalMs + w.ctx.journalDrainMs > 0) {
    journalQuads.count = 0;
    journalEdges(journalQuads, st, w, scratch);
    if (journalQuads.count > 0) mergeJournal(out, beforeDisk, journalQuads, st, w);
  }
  deviceEdges(out, st, NET, s.netBase, s.netServed, s.netWant, host.netMbps, w.shared.netU > 0.8, scratch);
  if (p.dom0) dom0PathEdges(out, st, w, scratch, beforeDisk);
  if (firstAbove(n, s.slow, 1.02) < n) {
    const total = excessOver(n, s.pressure, 1 / n, scratch);
    if (!(total <= 0)) {
      const top = topIndices(n, scratch, TOP);
      if (canEmit(st, scratch, total, top))
        for (let i = 0; i < n; i++) if (s.slow[i] > 1.02) emit(out, st, CACHE, scratch, total, top, i);
    }
  }
  if (w.shared.hostSwapGiB > 0) {
    const total = ramExcess(n, s.resident, w.plan.ramGiB, host.ramGiB, scratch);
    if (!(total <= 0)) {
      const top = topIndices(n, scratch, TOP);
      if (canEmit(st, scratch, total, top))
        for (let i = 0; i < n; i++)
          if (s.up[i] > 0 || s.memDemand[i] > 0) emit(out, st, MEM, scratch, total, top, i);
    }
  }
  const k = w.shared.kernelCulprit;
  if (k >= 0) {
    for (let i = 0; i < n; i++) if (i !== k) out.push(i, k, KERNEL, 1);
  }
}

/** The attribution edges of the tick just computed into `w`, as objects (the frame's `attribution`). */
export function attribute(st: SimState, w: Work, scratch: Float64Array): Attribution[] {
  const q = new EdgeQuads();
  attributeInto(st, w, scratch, q);
  return q.toList(st);
}
