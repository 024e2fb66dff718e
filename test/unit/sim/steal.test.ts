/**
 * Steal (model spec §3): the fraction of a VPS's vCPU time that was runnable but not running
 * because of others. A light guest beside a CPU hog on a shared host is not held below its demand,
 * but each request wakes its vCPU into a run queue behind the hog's slices: that wait is steal,
 * and the card, the explanation and the scheduler wait tell one story. Under fixed quotas no one
 * waits for a neighbour, and a hog is held by its own cap: throttled, never stolen from.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../shared/commands.js';
import type { Frame } from '../../../shared/model.js';
import { createEngine } from '../../../server/sim/index.js';
import { parseScenarioJson } from '../../../server/scenario.js';
import { vpsOf } from './helpers.js';

function preset(name: string): Scenario {
  const url = new URL(`../../../scenarios/${name}.json`, import.meta.url);
  const r = parseScenarioJson(readFileSync(url, 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return r.data;
}

/** The frames of a preset's run, to `seconds`. */
function frames(s: Scenario, seconds: number, mode?: Scenario['mode']): Frame[] {
  const e = createEngine(s, mode ? { mode } : {});
  const out: Frame[] = [];
  for (let t = 0; t < (seconds * 1000) / (s.tickMs ?? 100); t++) out.push(e.step());
  return out;
}

describe('steal agrees with the scheduler wait', () => {
  it('para noisy neighbour: the victims of the hog show the wait they suffer as steal, not 0 %', () => {
    const s = preset('cpu-noisy-neighbour-para');
    const vcpus = new Map(s.vps.map((v) => [v.id, v.vcpus]));
    const run = frames(s, 60);
    const before = run[250]; // 25 s: before the hog (30 s)
    const after = run.at(-1)!;
    for (const id of ['web-1', 'web-2', 'db-1', 'cache-1', 'mail-1', 'ci-1']) {
      const b = vpsOf(before, id),
        a = vpsOf(after, id);
      // Not held below its demand: its throughput is whole, its wait is the hog's slices.
      expect(a.schedWaitMs, id).toBeGreaterThan(10 * Math.max(b.schedWaitMs, 1));
      expect(a.cpuSteal, `${id} steal beside a ${a.schedWaitMs} ms wait`).toBeGreaterThan(0.05);
      expect(a.cpuSteal, id).toBeGreaterThan(b.cpuSteal);
      expect(a.cpuThrottled, id).toBe(0);
      // Runnable-but-waiting time is vCPU time it did not run.
      expect(a.cpuSteal + a.cpuGranted / vcpus.get(id)!, id).toBeLessThanOrEqual(1);
    }
    // The hog is held below what it asks by the share: steal, not throttling.
    expect(vpsOf(after, 'batch-1').cpuSteal).toBeGreaterThan(0.3);
    expect(vpsOf(after, 'batch-1').cpuThrottled).toBe(0);
  });

  it('the same plan and load read the same steal; a lighter guest waits at more of its wake-ups', () => {
    const after = frames(preset('cpu-noisy-neighbour-para'), 45).at(-1)!;
    expect(vpsOf(after, 'web-1').cpuSteal).toBe(vpsOf(after, 'web-2').cpuSteal);
    // A guest waiting at every one of its wake-ups with the core idle for longer between them
    // (cache-1: one vCPU, lighter) loses more of its vCPU time to the queue than web-1.
    expect(vpsOf(after, 'cache-1').cpuSteal).toBeGreaterThan(vpsOf(after, 'web-1').cpuSteal);
  });

  it('under full the same hog leaves its neighbours no steal and no wait', () => {
    for (const f of frames(preset('cpu-noisy-neighbour-full'), 45).slice(300))
      for (const v of f.vps) {
        expect(v.cpuSteal, `${v.id} at tick ${f.tick}`).toBe(0);
        expect(v.schedWaitMs, `${v.id} at tick ${f.tick}`).toBe(0);
      }
  });

  it('the demo under full: a hog shows throttled time at its quota, not steal; under para it shows steal', () => {
    const s = preset('demo');
    for (const mode of ['full', 'para'] as const) {
      const e = createEngine(s, { mode });
      for (let t = 0; t < 10; t++) e.step();
      expect(e.apply({ type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' }).ok).toBe(true);
      let f = e.step();
      for (let t = 0; t < 100; t++) f = e.step();
      const hog = vpsOf(f, 'batch-1'),
        web = vpsOf(f, 'web-1');
      if (mode === 'full') {
        expect(hog.cpuThrottled).toBeGreaterThan(0.05);
        expect(hog.cpuSteal).toBe(0);
        expect(web.cpuSteal).toBe(0);
      } else {
        expect(web.schedWaitMs).toBeGreaterThan(1);
        expect(web.cpuSteal).toBeGreaterThan(0);
      }
    }
  });

  it('under full, quotas that fill the host exactly (35 × 1/35 of a core) squeeze no one: each runs at its cap, no steal', () => {
    // Admission accepts the caps: their sum is the host's one core, up to rounding (1.0000000000000002).
    const s: Scenario = {
      name: 'exactly full',
      seed: 1,
      mode: 'full',
      host: { cores: 1, ramGiB: 64, diskIops: 100_000, netMbps: 10_000 },
      vps: Array.from({ length: 35 }, (_, i) => ({
        id: `v${i}`,
        vcpus: 1,
        ramGiB: 1,
        diskIops: 100,
        netMbps: 100,
        cpuCapCores: 1 / 35,
        load: { cpu: 1, mem: 0.2, disk: 0, net: 0 },
      })),
    };
    const e = createEngine(s);
    for (let t = 0; t < 5; t++)
      for (const v of e.step().vps) {
        expect(v.cpuGranted, `${v.id} at tick ${t}`).toBe(1 / 35);
        expect(v.cpuSteal, `${v.id} at tick ${t}`).toBe(0);
      }
  });
});
