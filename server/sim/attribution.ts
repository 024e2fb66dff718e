/**
 * Who hurts whom (model spec §7): a victim's shortfall on a shared resource is split among its
 * neighbours in proportion to their use above their fair share. O(n) per resource: the top few
 * culprits are found once, and each suffering victim gets at most `attributionTop` edges.
 */
import type { Attribution } from '../../shared/model.js';
import {
  CACHE,
  CPU,
  DISK,
  EdgeQuads,
  KERNEL,
  MEM,
  NET,
  canEmit,
  emit,
  excessOver,
  topIndices,
} from './edges.js';
import { mergeDisk, writebackLoads } from './diskSplit.js';
import { dom0PathEdges, journalEdges, journalQuads } from './pathBlame.js';
import type { SimState } from './state.js';
import type { Work } from './work.js';

export { EdgeQuads } from './edges.js';

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
 * Whether VPS i is short of the CPU (model spec §7: a shortfall on a shared resource): the share
 * held its demand back by more than 2 % of its vCPU time, or its requests wait for others' runs
 * long enough for its health to show it. (Steal counts both; the part that is its wake-ups' wait is
 * judged by that wait, so a burst that barely delays anyone names no one.) The wait adds `p99Factor` × itself to its p99, and health loses half
 * its latency factor over `healthP99Span` isolated p99s above the isolated one (outcome.ts): a wait
 * costing less than one point of health is not a shortfall worth naming (a well-behaved neighbour's
 * burst that keeps every core busy for a moment).
 */
function shortOfCpu(st: SimState, w: Work, i: number): boolean {
  const m = w.m,
    s = w.s;
  const short = Math.min(s.cpuDemand[i], s.cpuLimit[i]) - s.cpuGot[i];
  if (short / w.plan.vcpus[i] > 0.02) return true;
  const wait = m.schedWaitMs[i],
    iso = w.isoP99[i];
  // (A VPS serving no requests has no isolated p99, and no latency a wait could hurt.)
  if (!(wait > 0) || !(iso > 0)) return false;
  const k = st.params;
  const healthPoints = (50 * (k.p99Factor * wait)) / (iso * k.healthP99Span);
  return healthPoints >= 1;
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
        for (let i = 0; i < n; i++) if (shortOfCpu(st, w, i)) emit(out, st, CPU, scratch, total, top, i);
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
  // A busy device, the storms' writeback at it and the shared journal are all the disk: where more
  // than one hurts a victim, each split counts in proportion to the wait it costs the victim.
  const writeback = writebackLoads(st, w);
  if (out.count === beforeDisk && !(writeback > 0)) journalEdges(out, st, w, scratch);
  else if (writeback > 0 || (p.sharedKernel && w.ctx.journalMs + w.ctx.journalDrainMs > 0)) {
    journalQuads.count = 0;
    journalEdges(journalQuads, st, w, scratch);
    if (journalQuads.count > 0 || (writeback > 0 && out.count > beforeDisk))
      mergeDisk(out, beforeDisk, journalQuads, st, w, writeback);
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
