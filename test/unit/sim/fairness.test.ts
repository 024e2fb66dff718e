/**
 * The host's fairness (Jain's index over each VPS's good throughput relative to isolation) while
 * VPSs are down or do not respond. A VPS that does not answer (down, rebooting, DNR) has no result,
 * as [M07] reports DNR instead of a degradation (model spec §7: "DNR, not 100 % degraded"), so it
 * is left out of the index (the host's `running` says how many answered); with no VPS answering
 * there is nothing to compare and fairness has no value: null in the runner's JSON frames, an empty
 * CSV cell, skipped by the summary's mean, never a 1 that reads as "perfectly fair".
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../shared/commands.js';
import type { Frame } from '../../../shared/model.js';
import { make, scenario, web } from './helpers.js';

const ANSWERING = new Set(['running', 'degraded']);

/** Jain's index over the answering VPSs' 1 − degradation (what the engine's index reads for them). */
function jainOfAnswering(f: Frame): number {
  const xs = f.vps.filter((v) => ANSWERING.has(v.state)).map((v) => 1 - v.degradation);
  const sum = xs.reduce((a, x) => a + x, 0);
  const sq = xs.reduce((a, x) => a + x * x, 0);
  return (sum * sum) / (xs.length * sq);
}

function frames(
  s: Scenario,
  at: number,
  cmd: Parameters<ReturnType<typeof make>['apply']>[0],
  ticks: number,
) {
  const e = make(s);
  const out: Frame[] = [];
  for (let t = 0; t < ticks; t++) {
    if (t === at) expect(e.apply(cmd).ok).toBe(true);
    out.push(e.step());
  }
  return out;
}

describe('host fairness while VPSs are out', () => {
  it('leaves a guest that is down out of the index: its unhurt neighbours read fair', () => {
    const fs = frames(
      scenario({ mode: 'para', vps: [web('a'), web('b'), web('c'), web('d')] }),
      10,
      { type: 'startFault', vps: 'b', fault: 'kernel_panic' },
      200,
    );
    let out = 0;
    for (const f of fs) {
      if (f.vps[1].state !== 'rebooting' && f.vps[1].state !== 'down') continue;
      out++;
      expect(f.host.running).toBe(3);
      // Its neighbours serve as they did: fair among those that answer, not 3²/(4·3) = 0.75.
      expect(f.host.fairness, `tick ${f.tick}`).toBeCloseTo(jainOfAnswering(f), 9);
      expect(f.host.fairness, `tick ${f.tick}`).toBeGreaterThan(0.99);
    }
    expect(out).toBeGreaterThan(100);
  });

  it('has no value while no VPS answers (a host reboot; a shared kernel hung by a fork bomb), and one again after', () => {
    const cases: [Scenario, Parameters<ReturnType<typeof make>['apply']>[0]][] = [
      [scenario({ mode: 'full' }), { type: 'hostFault', fault: 'host_reboot', durationS: 5 }],
      [
        scenario({ mode: { base: 'container', containerLimits: false } }),
        { type: 'startFault', vps: 'a', fault: 'fork_bomb', durationS: 5 },
      ],
    ];
    for (const [s, cmd] of cases) {
      const fs = frames(s, 10, cmd, 400);
      let none = 0;
      for (const f of fs) {
        // (Answering with no good answer anywhere, a backlog draining after the outage, has no
        // shares to compare either.)
        if (f.vps.some((v) => ANSWERING.has(v.state) && v.throughputRps * v.goodFraction > 0)) {
          expect(Number.isFinite(f.host.fairness), `tick ${f.tick} ${JSON.stringify(s.mode)}`).toBe(true);
          continue;
        }
        if (f.vps.some((v) => ANSWERING.has(v.state))) continue;
        none++;
        expect(f.host.running).toBe(0);
        expect(f.host.fairness, `tick ${f.tick} ${JSON.stringify(s.mode)}`).toBeNaN();
      }
      expect(none, JSON.stringify(s.mode)).toBeGreaterThan(20);
      expect(fs[fs.length - 1].host.fairness).toBeGreaterThan(0.99);
    }
  });

  it("the runner's JSON frames carry null while no VPS answers, and the summary's mean skips those ticks", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fairness-'));
    const file = join(dir, 'reboot.json');
    const s: Scenario = {
      ...scenario({ mode: 'full' }),
      durationS: 30,
      events: [{ atS: 5, type: 'hostFault', fault: 'host_reboot', durationS: 10 }],
    };
    writeFileSync(file, JSON.stringify(s));
    const out = join(dir, 'out.json');
    await promisify(execFile)('node', ['scripts/sim.mjs', file, '--format', 'json', '--out', out], {
      cwd: join(__dirname, '../../..'),
    });
    const run = JSON.parse(readFileSync(out, 'utf8')) as {
      frames: Frame[];
      summary: { host: Record<string, number | null> };
    };
    const values: number[] = [];
    let nulls = 0;
    for (const f of run.frames) {
      const x = f.host.fairness as number | null;
      if (f.host.running === 0) {
        expect(x, `tick ${f.tick}`).toBeNull();
        nulls++;
      } else {
        expect(typeof x, `tick ${f.tick}`).toBe('number');
        values.push(x as number);
      }
    }
    expect(nulls).toBeGreaterThanOrEqual(90);
    const mean = values.reduce((a, x) => a + x, 0) / values.length;
    expect(run.summary.host.fairness).toBeCloseTo(mean, 6);
    expect(run.summary.host.fairness).toBeGreaterThan(0.99);
  }, 60_000);
});
