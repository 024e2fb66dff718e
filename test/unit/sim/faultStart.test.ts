/**
 * A running fault keeps the tick it started at (`sinceTick`, what the lab state, the API and the
 * page's fault windows read) across every command that does not stop it: a mode switch, slider
 * moves, a profile, a resize, another fault, and a save and restore of the engine.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Command, Scenario } from '../../../shared/commands.js';
import { createEngine, restoreEngine } from '../../../server/sim/index.js';

const demo = JSON.parse(
  readFileSync(new URL('../../../scenarios/demo.json', import.meta.url), 'utf8'),
) as Scenario;

const others: Command[] = [
  { type: 'setMode', mode: 'full' },
  { type: 'setMode', mode: { base: 'container', containerLimits: false } },
  { type: 'setMode', mode: 'para' },
  { type: 'setLoad', vps: 'batch-1', load: { cpu: 0.9 } },
  { type: 'setProfile', vps: 'batch-1', profile: 'bursty' },
  { type: 'startFault', vps: 'web-1', fault: 'io_storm' },
  { type: 'resizeVps', vps: 'batch-1', plan: { diskIops: 2000 } },
];

describe('a running fault keeps its start', () => {
  it('across mode switches and every other command that does not stop it', () => {
    const e = createEngine(demo);
    e.advance(110);
    expect(e.apply({ type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' }).ok).toBe(true);
    let engine = e;
    for (const cmd of others) {
      engine.advance(40);
      const r = engine.apply(cmd);
      expect(r, JSON.stringify(cmd)).toEqual({ ok: true });
      engine.advance(1);
      engine = restoreEngine(engine.save());
      const hog = engine.state().faults.find((f) => f.vps === 'batch-1' && f.fault === 'cpu_hog');
      expect(hog, JSON.stringify(cmd)).toEqual({ vps: 'batch-1', fault: 'cpu_hog', sinceTick: 110 });
    }
  });
});
