/**
 * Every request is accounted for once (model spec §7): in each tick, the requests a VPS answers and
 * those it fails (dropped from a full queue, abandoned past the client timeout, refused at a stage)
 * are at most what arrived plus what its backlog shrank by. So an error rate and a throughput never
 * add up to more than the demand: a guest answering 40 requests a second does not also fail all of
 * them. Checked on every tick of every preset under every mode and of the demo under each fault.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../shared/model.js';
import { sweep, type SweepRun } from './sweep.js';

describe('request balance', () => {
  it('answered + failed ≤ arrived + backlog drained, every tick', () => {
    const bad: string[] = [];
    const last = new Map<string, number>();
    let run = '';
    const visit = (r: SweepRun, f: Frame) => {
      if (r.label !== run) {
        run = r.label;
        last.clear();
      }
      const dt = 0.1;
      for (const v of f.vps) {
        const before = last.get(v.id) ?? 0;
        last.set(v.id, v.backlog);
        if (v.state === 'down' || v.state === 'rebooting') continue;
        const arrived = v.demandRps * dt;
        const out = (v.throughputRps + v.errorRate * v.demandRps) * dt;
        const room = arrived + Math.max(0, before - v.backlog);
        if (out > room * (1 + 1e-9) + 1e-9)
          bad.push(`${r.label} tick ${f.tick} ${v.id}: ${out.toFixed(2)} out of ${room.toFixed(2)}`);
      }
    };
    sweep(visit);
    expect(bad.slice(0, 5), `${bad.length} ticks`).toEqual([]);
  }, 120_000);
});
