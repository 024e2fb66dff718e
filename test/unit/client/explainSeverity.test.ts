import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { explain, explanationSeverity } from '../../../client/src/lib/explain.js';
import { createEngine } from '../../../server/sim/index.js';
import type { Scenario } from '../../../shared/commands.js';
import { vpsMetrics } from './frames.js';

const demo = JSON.parse(
  readFileSync(new URL('../../../scenarios/demo.json', import.meta.url), 'utf8'),
) as Scenario;

describe("the colour of a card's explanation line", () => {
  it('is no alarm for a running VPS near its isolated latency, amber once it suffers, red once degraded or out', () => {
    expect(explanationSeverity(vpsMetrics('web-1', { latencyP99Ms: 11, latencyP99IsolatedMs: 10 }))).toBe(
      'note',
    );
    expect(explanationSeverity(vpsMetrics('web-1', { latencyP99Ms: 15, latencyP99IsolatedMs: 10 }))).toBe(
      'warn',
    );
    expect(explanationSeverity(vpsMetrics('web-1', { degradation: 0.02 }))).toBe('warn');
    for (const state of ['degraded', 'dnr', 'down', 'rebooting'] as const)
      expect(
        explanationSeverity(vpsMetrics('web-1', { state, latencyP99Ms: 11, latencyP99IsolatedMs: 10 })),
      ).toBe('fault');
  });

  it('is not red on any card of the healthy demo lab, and red on the VPS a kernel panic takes down', () => {
    const engine = createEngine({ ...demo, events: [] }, { mode: 'para' });
    engine.advance(100);
    const { faults, hostFaults, mode, host } = engine.state();
    let f = engine.frame();
    const lines = f.vps.map((v) => ({
      v,
      line: explain({ vps: v, frame: f, faults, hostFaults, mode, host }),
    }));
    // The demo's cards carry lines (their p99 a little above alone), none of them an alarm.
    expect(lines.filter((l) => l.line !== null).length).toBeGreaterThan(0);
    for (const { v } of lines) {
      expect(v.state).toBe('running');
      expect(explanationSeverity(v), v.id).not.toBe('fault');
    }
    expect(engine.apply({ type: 'startFault', vps: 'web-1', fault: 'kernel_panic' }).ok).toBe(true);
    engine.advance(5);
    f = engine.frame();
    const web = f.vps.find((v) => v.id === 'web-1')!;
    expect(explanationSeverity(web)).toBe('fault');
  });
});
