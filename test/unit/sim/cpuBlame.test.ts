/**
 * Who hurts whom on the CPU (model spec §7): an edge names a victim's shortfall. A well-behaved
 * neighbour's burst that keeps every core busy for a moment costs the others a millisecond of
 * run-queue wait, too little for their health to show: no edge. A hog's slices, which multiply
 * their p99, are named on every tick.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../shared/commands.js';
import { createEngine } from '../../../server/sim/index.js';
import { parseScenarioJson } from '../../../server/scenario.js';

function demo(): Scenario {
  const r = parseScenarioJson(readFileSync(new URL('../../../scenarios/demo.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return r.data;
}

describe('CPU edges', () => {
  it('a bursting, well-behaved neighbour gets none for a wait its victims hardly feel', () => {
    const e = createEngine(demo(), { mode: 'para' });
    let waited = 0;
    const edges: string[] = [];
    for (let t = 0; t < 600; t++) {
      const f = e.step();
      // The burst is there: someone waits for the cores now and then.
      if (f.vps.some((v) => v.schedWaitMs > 1)) waited++;
      for (const a of f.attribution)
        if (a.resource === 'cpu') edges.push(`tick ${f.tick} ${a.victim} <- ${a.culprit} ${a.share}`);
    }
    expect(waited).toBeGreaterThan(50);
    expect(edges.slice(0, 5), `${edges.length} CPU edges`).toEqual([]);
  });

  it("a hog's slices are named on every tick, for every neighbour", () => {
    const e = createEngine(demo(), { mode: 'para' });
    for (let t = 0; t < 20; t++) e.step();
    expect(e.apply({ type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' }).ok).toBe(true);
    for (let t = 0; t < 300; t++) {
      const f = e.step();
      const named = f.attribution
        .filter((a) => a.resource === 'cpu' && a.culprit === 'batch-1')
        .map((a) => a.victim)
        .sort();
      expect(named, `tick ${f.tick}`).toEqual(['cache-1', 'ci-1', 'db-1', 'mail-1', 'web-1']);
    }
  });
});
