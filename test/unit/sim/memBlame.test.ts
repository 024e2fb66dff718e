/**
 * Who hurts whom when the host swaps (model spec §4, §7): each VPS's fair share of host RAM is its
 * plan's part of it (its reservation, as a weight is its part of the CPU), so a database using 75 %
 * of a large plan is not blamed before the guest whose leak pushed the host into swap.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../shared/commands.js';
import { createEngine } from '../../../server/sim/index.js';

const preset = JSON.parse(
  readFileSync(new URL('../../../scenarios/memory-bomb-overcommit.json', import.meta.url), 'utf8'),
) as Scenario;

describe('memory blame under overcommit', () => {
  it('names the leaking guest first, not a neighbour using its large plan, on every swapping tick', () => {
    const e = createEngine(preset, { mode: 'para' });
    let swapping = 0;
    for (let t = 0; t < 900; t++) {
      const f = e.step();
      if (!(f.host.hostSwapGiB > 0)) continue;
      const leaking = e.state().faults.some((x) => x.vps === 'batch-1' && x.fault === 'memory_leak');
      if (!leaking) continue;
      swapping++;
      for (const v of f.vps) {
        if (v.id === 'batch-1') continue;
        const mem = f.attribution.filter((a) => a.victim === v.id && a.resource === 'mem');
        expect(mem.length, `tick ${f.tick} ${v.id}`).toBeGreaterThan(0);
        // The leaker holds the largest share, most of it.
        const top = mem.reduce((a, b) => (b.share > a.share ? b : a));
        expect(top.culprit, `tick ${f.tick} ${v.id}`).toBe('batch-1');
        expect(top.share, `tick ${f.tick} ${v.id}`).toBeGreaterThan(0.5);
      }
    }
    expect(swapping).toBeGreaterThan(20);
  });
});
