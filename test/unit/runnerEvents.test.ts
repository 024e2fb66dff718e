/**
 * The runner's loop keeps nothing per tick: the engine's events (what a live lab logs; no output
 * of the runner carries them) are dropped as it goes, so a run full of faults, OOM kills and
 * reboots does not pile them up for its whole length.
 */
import { describe, expect, it } from 'vitest';
import { Progress } from '../../server/cli/report.js';
import { writeRuns, type RunMeta } from '../../server/cli/write.js';
import { createRun } from '../../server/scenario.js';
import type { Scenario } from '../../shared/commands.js';

const TICKS = 3000;

/** A leak that OOM-kills its VPS again and again (each kill and reboot is an event). */
const leaky: Scenario = {
  name: 'leaky',
  seed: 4,
  tickMs: 100,
  mode: 'para',
  host: { cores: 8, ramGiB: 16, diskIops: 10000, netMbps: 1000, memBwGBs: 50 },
  vps: ['a', 'b'].map((id) => ({ id, vcpus: 2, ramGiB: 2, diskIops: 1000, netMbps: 100 })),
  events: [{ atTick: 1, type: 'startFault', vps: 'a', fault: 'memory_leak', rate: 2 }],
};

describe('runner loop', () => {
  for (const format of ['summary', 'csv', 'json'] as const) {
    it(`${format}: drops the engine's events as it runs, keeping fewer than 256 ticks' worth`, async () => {
      const r = await createRun(leaky);
      const twin = await createRun(leaky);
      if (!r.ok || !twin.ok) throw new Error('scenario');
      // How many events the run makes, and how many in its last (partial) window of 256 ticks.
      let total = 0;
      let tail = 0;
      for (let t = 0; t < TICKS; t++) {
        twin.data.engine.advance(1);
        const n = twin.data.engine.takeEvents().length;
        total += n;
        if (t >= TICKS - (TICKS % 256)) tail += n;
      }
      expect(total).toBeGreaterThan(20);
      expect(tail).toBeLessThan(total);
      const meta: RunMeta = {
        scenario: 'leaky',
        seed: 4,
        tickMs: 100,
        durationS: TICKS / 10,
        mode: 'para',
        ticks: TICKS,
        version: 'test',
      };
      let bytes = 0;
      await writeRuns(
        { write: (s) => void (bytes += s.length) },
        { format, compare: false, units: 'none' },
        meta,
        [r.data],
        TICKS,
        new Progress(TICKS, null),
      );
      expect(bytes).toBeGreaterThan(0);
      expect(r.data.engine.takeEvents()).toHaveLength(tail);
    });
  }
});
