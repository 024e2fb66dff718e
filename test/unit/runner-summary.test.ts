/**
 * The streaming summary against a plain restatement of its rules, computed from the engine's own
 * frames one value at a time: VPSs that leave and join (columns no longer matching slots), a guest
 * that panics (down and rebooting: no latency to average), a Dom0 crash, and values made non-finite
 * here and there so every skip path runs. Same adds in the same order: equal to the last bit.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../shared/commands.js';
import { VPS_METRICS, VPS_STATES, type Frame } from '../../shared/model.js';
import { SummaryAccumulator } from '../../server/export.js';
import { createRun } from '../../server/scenario.js';

const churn: Scenario = {
  name: 'churn',
  seed: 3,
  tickMs: 100,
  durationS: 30,
  mode: 'para',
  host: { cores: 8 },
  vps: Array.from({ length: 9 }, (_, i) => ({
    id: `v${i}`,
    vcpus: 1 + (i % 3),
    ramGiB: 2,
    diskIops: 1000,
    netMbps: 100,
    profile: 'bursty' as const,
    load: { cpu: 0.7, disk: 0.3, net: 0.2 },
  })),
  events: [
    { atS: 4, type: 'removeVps', vps: 'v2' },
    {
      atS: 6,
      type: 'addVps',
      vps: { id: 'n1', vcpus: 4, ramGiB: 4, diskIops: 500, netMbps: 50, load: { cpu: 1 } },
    },
    { atS: 9, type: 'startFault', vps: 'v3', fault: 'kernel_panic' },
    { atS: 15, type: 'removeVps', vps: 'v0' },
    { atS: 17, type: 'addVps', vps: { id: 'v2', vcpus: 1, ramGiB: 1, diskIops: 100, netMbps: 10 } },
    { atS: 20, type: 'hostFault', fault: 'dom0_crash' },
  ],
};

const LATENCY = new Set([
  'latencyMeanMs',
  'latencyP99Ms',
  'latencyP95Ms',
  'diskLatencyMs',
  'latencyP99IsolatedMs',
]);
const SERVES_NOTHING = new Set(['down', 'rebooting']);

/** The summary's means, states and highest p99, restated value by value. */
function naive(frames: Frame[]) {
  const per = new Map<
    string,
    { ticks: number; sum: number[]; n: number[]; states: Record<string, number>; maxP99: number }
  >();
  for (const f of frames)
    for (const v of f.vps) {
      let p = per.get(v.id);
      if (!p)
        per.set(
          v.id,
          (p = {
            ticks: 0,
            sum: VPS_METRICS.map(() => 0),
            n: VPS_METRICS.map(() => 0),
            states: {},
            maxP99: -Infinity,
          }),
        );
      p.ticks++;
      p.states[v.state] = (p.states[v.state] ?? 0) + 1;
      if (Number.isFinite(v.latencyP99Ms)) p.maxP99 = Math.max(p.maxP99, v.latencyP99Ms);
      VPS_METRICS.forEach((m, k) => {
        const x = v[m];
        if (Number.isFinite(x) && !(LATENCY.has(m) && SERVES_NOTHING.has(v.state))) {
          p.sum[k] += x;
          p.n[k]++;
        }
      });
    }
  return per;
}

describe('run summary', () => {
  it('equals a value-by-value restatement on a run with churn, crashes and non-finite values', async () => {
    const r = await createRun(churn, churn.mode);
    if (!r.ok) throw new Error(r.error.message);
    const frames: Frame[] = [];
    for (let t = 0; t < 300; t++) {
      r.data.engine.advance(1);
      const f = r.data.engine.frame();
      // Spoil a few values in a pattern that moves across VPSs and metrics.
      f.vps.forEach((v, i) => {
        if ((t + i) % 7 === 0) v[VPS_METRICS[(t + 3 * i) % VPS_METRICS.length]] = NaN;
        if ((t * 5 + i) % 11 === 0) v.cpuGranted = Infinity;
      });
      frames.push(f);
    }
    const seen = new Set(frames.flatMap((f) => f.vps.map((v) => v.state)));
    expect(seen).toContain('rebooting');
    expect(new Set(frames.map((f) => f.vps.map((v) => v.id).join())).size).toBeGreaterThan(2);

    const acc = new SummaryAccumulator();
    for (const f of frames) acc.add(f);
    const got = acc.result();
    const want = naive(frames);
    expect(Object.keys(got.vps).sort()).toEqual([...want.keys()].sort());
    for (const [id, p] of want) {
      const s = got.vps[id];
      expect(s.ticks).toBe(p.ticks);
      VPS_METRICS.forEach((m, k) => expect(s[m], `${id} ${m}`).toBe(p.n[k] ? p.sum[k] / p.n[k] : null));
      for (const st of VPS_STATES) expect(s.states[st]).toBe((p.states[st] ?? 0) / p.ticks);
      expect(s.maxLatencyP99Ms).toBe(p.maxP99 === -Infinity ? null : p.maxP99);
    }
  });
});
