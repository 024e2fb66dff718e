/**
 * Who hurts whom at the disk, by the wait each cause costs a victim (model spec §5, §7). A request
 * of a VPS using the disk waits at the device's synchronous queue (hurt by the guests served above
 * an equal share of it), with limits on a shared kernel for the rest of a storm's writeback request
 * it finds at the device (the device does not preempt it: hurt by the guests whose writeback it is,
 * by their part of it), and on a shared kernel for the journal's commit (pathBlame.ts
 * `journalEdges`). A victim's disk edges are those splits weighted by what each costs it.
 */
import { DISK, type EdgeQuads } from './edges.js';
import { writebackOf } from './journal.js';
import { journalAloneMs } from './pathBlame.js';
import type { SimState } from './state.js';
import type { Work } from './work.js';

/** Each VPS's storm writeback at the device this tick, ops/s (reused: attribution runs to completion). */
let writeback = new Float64Array(8);

/**
 * Fills the writeback each VPS's storm puts on the device this tick (journal.ts `writebackOf`) and
 * returns their sum: 0 wherever no request waits behind writeback (`uDiskAsync` 0: every mode but
 * containers with limits, and a tick without a storm).
 */
export function writebackLoads(st: SimState, w: Work): number {
  if (!(w.ctx.uDiskAsync > 0)) return 0;
  const n = st.vps.length;
  if (writeback.length < n) writeback = new Float64Array(n);
  const s = w.s;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = writebackOf(i, s.diskServed, s.diskBase, s.diskFault, s.faultIoScale);
    writeback[i] = x;
    total += x;
  }
  return total;
}

/**
 * A victim's disk edges weighted by what each cause costs it per request: the journal's extra wait
 * (its writing share of the commit wait above what its own writes alone would make), the device's
 * synchronous queue (the rest of its disk latency, less the writeback's part) and the others'
 * writeback (the wait at the synchronous load times their utilization of the device; its own
 * writeback is no one else's doing). `allWriteback` is `writebackLoads`' sum of the tick. Rewrites
 * the device edges from `from` on, merged with the journal's `jq`; a victim with one cause keeps its
 * split.
 */
export function mergeDisk(
  out: EdgeQuads,
  from: number,
  jq: EdgeQuads,
  st: SimState,
  w: Work,
  allWriteback: number,
): void {
  const TOP = st.params.attributionTop;
  const min = st.params.attributionMinShare;
  const ws = st.params.webWriteShare;
  const n = st.vps.length;
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
    const others = allWriteback > 0 ? allWriteback - writeback[v] : 0;
    // (The disk stage's wait is the wait at the synchronous load times 1 + uDiskAsync: service.ts.)
    const deviceMs = Math.max(0, w.m.diskLatencyMs[v] - ws * shared);
    const syncMs = others > 0 ? deviceMs / (1 + w.ctx.uDiskAsync) : deviceMs;
    const wbMs = others > 0 ? (syncMs * others) / st.host.diskIops : 0;
    const jw = jour.size ? ws * Math.max(0, shared - journalAloneMs(st, w, v)) : 0;
    const sum = jw + (dev.size ? syncMs : 0) + wbMs;
    const kinds = (jour.size ? 1 : 0) + (dev.size ? 1 : 0) + (others > 0 ? 1 : 0);
    const wj = !jour.size ? 0 : !dev.size && !(others > 0) ? 1 : sum > 0 ? jw / sum : 1 / kinds;
    const wa = !(others > 0) ? 0 : sum > 0 ? wbMs / sum : 1 / kinds;
    const merged = new Map<number, number>();
    for (const [c, x] of dev) merged.set(c, x * (1 - wj - wa));
    for (const [c, x] of jour) merged.set(c, (merged.get(c) ?? 0) + x * wj);
    if (others > 0)
      for (let c = 0; c < n; c++)
        if (c !== v && writeback[c] > 0) merged.set(c, (merged.get(c) ?? 0) + (wa * writeback[c]) / others);
    const ranked = [...merged].filter(([, x]) => x >= min).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    for (const [c, x] of ranked.slice(0, TOP)) out.push(v, c, DISK, x);
  }
}
