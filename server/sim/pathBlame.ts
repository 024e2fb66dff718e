/**
 * Who hurts whom along a shared I/O path (model spec §5, §7): a shared kernel's journal, where every
 * durable write waits for the running commit (containers), and Dom0's backends, which every para
 * guest's disk and network I/O passes (edges on Dom0 itself, the stage they share).
 */
import { DISK, DOM0, EdgeQuads, NET, canEmit, emit, excessOver, topIndices } from './edges.js';
import { journalWaitMs, ownDrainMs } from './journal.js';
import { sojourn } from './stagewait.js';
import type { SimState } from './state.js';
import type { Work } from './work.js';

/**
 * The shared kernel's journal (containers, journal.ts): a durable write waits for the running
 * transaction's commit and, with limits, for the throttled writers' ordered data in it. A VPS using
 * the disk that waits there longer than its own writes alone would make it is hurt by the VPSs
 * dirtying above an equal share of the device (without limits: the dirty pool is the host's) or
 * held at their `io.max` (with limits: the chunk in flight a commit waits for).
 */
export function journalEdges(out: EdgeQuads, st: SimState, w: Work, scratch: Float64Array): void {
  const p = st.profile;
  const shared = w.ctx.journalMs + w.ctx.journalDrainMs;
  if (!p.sharedKernel || !(shared > 0)) return;
  const n = st.vps.length;
  const k = st.params;
  const ws = k.webWriteShare;
  const base = w.s.diskBase,
    drained = w.drainDom0.disk,
    storm = w.s.diskFault,
    cap = w.plan.dPath;
  const limits = p.containerLimits === true;
  const fair = (st.host.diskIops * p.eDisk) / n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const dirty = ws * (base[i] + drained[i]) + storm[i];
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

/**
 * The journal wait VPS i's durable writes would have alone (its own writes, those it drained from a
 * backlog included, its own throttle), ms.
 */
export function journalAloneMs(st: SimState, w: Work, i: number): number {
  const p = st.profile;
  const k = st.params;
  const own = k.webWriteShare * (w.s.diskBase[i] + w.drainDom0.disk[i]);
  return (
    journalWaitMs(p, k, st.host.diskIops, own) +
    (p.containerLimits === true ? ownDrainMs(k, own, w.plan.dPath[i]) : 0)
  );
}

/** The journal's edges of a tick whose device edges are already out (reused: attribution runs to completion). */
export const journalQuads = new EdgeQuads();

/** Whether VPS i is short on Dom0's path: it does I/O and Dom0 is busy or carries under 99 % of its work. */
function dom0Victim(w: Work, i: number, busy: boolean): boolean {
  const s = w.s;
  return (
    s.up[i] > 0 &&
    (s.diskBase[i] > 0 || s.netBase[i] > 0) &&
    (busy || s.dom0Served[i] < s.dom0Cause[i] * 0.99)
  );
}

/** Dom0's edges of a tick (reused: attribution runs to completion). */
const dom0Quads = new EdgeQuads();

/**
 * Dom0's path (para, model spec §5): every guest's disk and network I/O passes Dom0's backends, so
 * when Dom0 is busy (or cannot carry a guest's own backend work) each VPS doing I/O waits there,
 * hurt by the guests whose backend work is above an equal share of Dom0. The edge names Dom0, the
 * stage they share, whatever device's rings the culprit fills and whichever path the victim waits
 * on: a storm filling Dom0 with disk I/O delays a neighbour's replies in netback as much as its
 * reads in blkback. A victim a device (edges from `deviceFrom` on) also hurts waits at both: see
 * {@link weighDom0}.
 */
export function dom0PathEdges(
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
  const top = topIndices(n, scratch, st.params.attributionTop);
  if (!canEmit(st, scratch, total, top)) return;
  const dq = out.count > deviceFrom ? dom0Quads : out;
  dom0Quads.count = 0;
  for (let i = victim; i < n; i++) if (dom0Victim(w, i, busy)) emit(dq, st, DOM0, scratch, total, top, i);
  if (dq === dom0Quads && dom0Quads.count > 0) weighDom0(out, deviceFrom, dom0Quads, st, w);
}

/**
 * What VPS i waits per request on a device's path, split by cause (ms): at the device's queue (its
 * utilization, plus the NIC's transmit FIFO), and in Dom0 (the backend's stage, and where Dom0
 * cannot carry its backend work, the queueing its headroom through Dom0 adds above the device's).
 */
function pathWaits(st: SimState, w: Work, i: number, resource: number): { device: number; dom0: number } {
  const k = st.params;
  const K = k.stageSlots;
  const ctx = w.ctx;
  const disk = resource === DISK;
  const stageMs = disk ? k.diskStageMs : k.netStageMs;
  const u = disk ? ctx.uDisk : ctx.uNet;
  const own = disk ? w.svcRhoDisk[i] : w.svcRhoNet[i];
  const atDevice = stageMs * sojourn(u, K);
  const above = own > u ? stageMs * (sojourn(own, K) - sojourn(u, K)) : 0;
  const dom0Short = w.s.dom0Served[i] < w.s.dom0Cause[i] * 0.99;
  return {
    device: atDevice + (disk ? 0 : ctx.netQueueMs) + (dom0Short ? 0 : above),
    dom0: k.dom0StageMs * sojourn(ctx.uDom0, K) + (dom0Short ? above : 0),
  };
}

/**
 * A victim hurt both at a device's queue and in Dom0 waits at both, so its shortfall on its I/O is
 * one split among the stages it waits at, each weighted by the wait it costs the victim per request
 * (`pathWaits`), as a shared kernel's journal is weighed against the device: each busy device's
 * edges by the victim's wait at that device, Dom0's by its wait in Dom0 on every path it uses (shares
 * summing to at most 1 over them). Rewrites the edges from `from` on; a victim with one kind keeps it.
 */
function weighDom0(out: EdgeQuads, from: number, dq: EdgeQuads, st: SimState, w: Work): void {
  const TOP = st.params.attributionTop;
  const min = st.params.attributionMinShare;
  const byVictim = new Map<number, Map<number, Map<number, number>>>();
  const add = (q: EdgeQuads, lo: number, hi: number) => {
    for (let k = lo * 4; k < hi * 4; k += 4) {
      const v = q.data[k],
        resource = q.data[k + 2];
      let e = byVictim.get(v);
      if (!e) byVictim.set(v, (e = new Map()));
      let split = e.get(resource);
      if (!split) e.set(resource, (split = new Map()));
      split.set(q.data[k + 1], q.data[k + 3]);
    }
  };
  add(out, from, out.count);
  add(dq, 0, dq.count);
  out.count = from;
  for (const v of [...byVictim.keys()].sort((a, b) => a - b)) {
    const splits = byVictim.get(v)!;
    const weights = new Map<number, number>();
    if (splits.size > 1 && splits.has(DOM0)) {
      let dom0 = 0,
        sum = 0;
      for (const resource of [DISK, NET]) {
        const uses = resource === DISK ? w.s.diskBase[v] > 0 : w.s.netBase[v] > 0;
        if (!uses) continue;
        const waits = pathWaits(st, w, v, resource);
        dom0 += waits.dom0;
        if (splits.has(resource)) {
          weights.set(resource, waits.device);
          sum += waits.device;
        }
      }
      weights.set(DOM0, dom0);
      sum += dom0;
      for (const [r, x] of weights) weights.set(r, sum > 0 ? x / sum : 1 / weights.size);
    }
    for (const resource of [...splits.keys()].sort((a, b) => a - b)) {
      const wr = weights.get(resource) ?? 1;
      const ranked = [...splits.get(resource)!]
        .map(([c, x]): [number, number] => [c, x * wr])
        .filter(([, x]) => x >= min)
        .sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      for (const [c, x] of ranked.slice(0, TOP)) out.push(v, c, resource, x);
    }
  }
}
