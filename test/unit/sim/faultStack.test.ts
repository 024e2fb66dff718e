/**
 * Faults of different ids on one VPS stack (model spec §8: each can start, stop and carry a
 * duration): a guest runs a cpu_hog and an io_storm at once, each as it would alone; stopping one,
 * or its duration running out, leaves the other running; a second start of the same id restarts
 * it (its start and its duration), never a second copy.
 */
import { describe, expect, it } from 'vitest';
import type { Command, Scenario } from '../../../shared/commands.js';
import type { VpsMetrics } from '../../../shared/model.js';
import { createEngine, type ContentionEngine } from '../../../server/sim/index.js';

const scenario: Scenario = {
  name: 'faults that stack',
  seed: 3,
  mode: 'para',
  host: { cores: 16, ramGiB: 64, diskIops: 400_000, netMbps: 10_000 },
  vps: [
    {
      id: 'web-1',
      vcpus: 2,
      ramGiB: 4,
      diskIops: 2000,
      netMbps: 1000,
      load: { cpu: 0.2, mem: 0.3, disk: 0.2, net: 0.1 },
    },
    {
      id: 'web-2',
      vcpus: 2,
      ramGiB: 4,
      diskIops: 2000,
      netMbps: 1000,
      load: { cpu: 0.2, mem: 0.3, disk: 0.2, net: 0.1 },
    },
  ],
};

/** An engine at tick 10 with `cmds` applied (each accepted). */
function started(cmds: Command[]): ContentionEngine {
  const e = createEngine(scenario);
  e.advance(10);
  for (const c of cmds) expect(e.apply(c), JSON.stringify(c)).toEqual({ ok: true });
  return e;
}

const web1 = (e: ContentionEngine): VpsMetrics => e.step().vps[0];
const running = (e: ContentionEngine) =>
  e
    .state()
    .faults.filter((f) => f.vps === 'web-1')
    .map((f) => f.fault)
    .sort();

describe('faults on one VPS', () => {
  it('of different ids run at once, each as it does alone, and stop one by one', () => {
    const hog = { type: 'startFault', vps: 'web-1', fault: 'cpu_hog' } as const;
    const storm = { type: 'startFault', vps: 'web-1', fault: 'io_storm', durationS: 3 } as const;
    const base = web1(started([]));
    const hogOnly = web1(started([hog]));
    const stormOnly = web1(started([storm]));
    const e = started([hog, storm]);
    expect(e.state().faults).toEqual([
      { vps: 'web-1', fault: 'cpu_hog', sinceTick: 10 },
      { vps: 'web-1', fault: 'io_storm', sinceTick: 10, untilTick: 40 },
    ]);
    const both = web1(e);
    // The hog keeps every vCPU busy and the storm asks the disk for 20× the plan, as each does alone.
    expect(hogOnly.cpuDemand).toBe(2);
    expect(both.cpuDemand).toBe(2);
    expect(stormOnly.diskDemandIops).toBeGreaterThan(20 * 2000);
    expect(both.diskDemandIops).toBe(stormOnly.diskDemandIops);
    expect(base.diskDemandIops).toBeLessThan(1000);
    // The storm's 3 s run out: it ends, named in the engine's events, and the hog runs on.
    e.takeEvents();
    e.advance(30);
    expect(e.takeEvents()).toEqual([{ type: 'faultEnded', tick: 40, fault: 'io_storm', vps: 'web-1' }]);
    expect(running(e)).toEqual(['cpu_hog']);
    const after = web1(e);
    expect(after.cpuDemand).toBe(2);
    // (Its disk asks no more than its own load and the backlog the storm left: far from the storm's.)
    expect(after.diskDemandIops).toBeLessThan(stormOnly.diskDemandIops / 10);
    // Stopping one names it: the storm again, then the hog stopped, leaves the storm.
    expect(e.apply({ type: 'startFault', vps: 'web-1', fault: 'io_storm' })).toEqual({ ok: true });
    expect(e.apply({ type: 'stopFault', vps: 'web-1', fault: 'cpu_hog' })).toEqual({ ok: true });
    expect(running(e)).toEqual(['io_storm']);
    const stormLeft = web1(e);
    expect(stormLeft.diskDemandIops).toBe(stormOnly.diskDemandIops);
    expect(stormLeft.cpuDemand).toBeLessThan(2);
    // The neighbour's faults are its own.
    expect(e.apply({ type: 'startFault', vps: 'web-2', fault: 'cpu_hog' })).toEqual({ ok: true });
    expect(e.apply({ type: 'stopFault', vps: 'web-2', fault: 'io_storm' })).toEqual({ ok: true });
    expect(running(e)).toEqual(['io_storm']);
  });

  it('of the same id restart: one entry, its start and its duration from the second start', () => {
    const e = started([
      { type: 'startFault', vps: 'web-1', fault: 'cpu_hog', durationS: 2 },
      { type: 'startFault', vps: 'web-1', fault: 'io_storm' },
    ]);
    e.advance(15);
    e.takeEvents();
    expect(e.apply({ type: 'startFault', vps: 'web-1', fault: 'cpu_hog', durationS: 2 })).toEqual({
      ok: true,
    });
    expect(e.state().faults).toEqual([
      { vps: 'web-1', fault: 'io_storm', sinceTick: 10 },
      { vps: 'web-1', fault: 'cpu_hog', sinceTick: 25, untilTick: 45 },
    ]);
    // Past the first start's 2 s, the hog still runs; it ends 2 s after the second.
    e.advance(19);
    expect(e.takeEvents()).toEqual([]);
    expect(web1(e).cpuDemand).toBe(2);
    e.takeEvents();
    e.advance(1);
    expect(e.takeEvents()).toEqual([{ type: 'faultEnded', tick: 45, fault: 'cpu_hog', vps: 'web-1' }]);
    expect(running(e)).toEqual(['io_storm']);
  });
});
