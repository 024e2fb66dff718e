/**
 * A lab left running for days: faults cycle (ending on their own, taking the shared kernel down,
 * leaking memory into OOM kills) and nothing the engine reports piles up anywhere.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Command, Scenario } from '../../../shared/commands.js';
import { Lab } from '../../../server/lab/lab.js';
import { silentLogger } from '../../../server/log.js';
import { createEngine, type ContentionEngine } from '../../../server/sim/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMiB(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const small: Scenario = {
  name: 'long run',
  seed: 3,
  tickMs: 100,
  mode: 'container',
  host: { cores: 4, ramGiB: 8 },
  vps: [
    { id: 'a', vcpus: 2, ramGiB: 2, diskIops: 1000, netMbps: 100, load: { cpu: 0.5, mem: 0.5 } },
    { id: 'b', vcpus: 2, ramGiB: 2, diskIops: 1000, netMbps: 100, load: { cpu: 0.5, mem: 0.5 } },
  ],
} as Scenario;

/** One cycle of 1 000 ticks: a hog, a kernel panic (everyone down and back), a leak to OOM. */
const CYCLE = 1000;
function faultAt(k: number): Command | null {
  switch (k % CYCLE) {
    case 0:
      return { type: 'startFault', vps: 'a', fault: 'cpu_hog', durationS: 10 };
    case 200:
      return { type: 'startFault', vps: 'b', fault: 'kernel_panic', durationS: 5 };
    case 400:
      return { type: 'startFault', vps: 'a', fault: 'memory_leak', rate: 2, durationS: 30 };
    default:
      return null;
  }
}

describe('a long run', () => {
  it('1 M engine ticks with faults cycling: each tick drained, nothing held back, heap flat', () => {
    const e: ContentionEngine = createEngine(small);
    const seen = new Map<string, number>();
    let most = 0;
    let base = 0;
    for (let k = 0; k < 1_000_000; k++) {
      const c = faultAt(k);
      if (c) expect(e.apply(c).ok).toBe(true);
      e.advance(1);
      const evs = e.takeEvents();
      most = Math.max(most, evs.length);
      for (const ev of evs) seen.set(ev.type, (seen.get(ev.type) ?? 0) + 1);
      if (k === 100_000) base = heapMiB();
    }
    // Every kind of fact came through, every cycle; none waits in the engine once taken.
    const cycles = 1_000_000 / CYCLE;
    expect(seen.get('faultEnded')).toBeGreaterThanOrEqual(2 * cycles);
    expect(seen.get('vps')).toBeGreaterThanOrEqual(2 * cycles);
    expect(seen.get('oomKill')).toBeGreaterThanOrEqual(cycles);
    expect(e.takeEvents()).toEqual([]);
    expect(most).toBeLessThan(20);
    // What legitimately grows is the command log (3 commands a cycle): well under a few MiB.
    expect(heapMiB() - base).toBeLessThan(16);
  }, 300_000);

  it('a lab stepping through the same cycles keeps its log, history and the engine drained', async () => {
    const engine = createEngine(small);
    const lab = new Lab({
      id: 'long',
      scenario: small,
      engines: [engine],
      now: 0,
      logger: silentLogger(),
      limits: { maxVps: 8, historyS: 60, historyBytes: 4 * 2 ** 20, broadcastHz: 10 },
    });
    const kinds = new Set<string>();
    lab.onEvent((ev) => kinds.add(ev.kind));
    let base = 0;
    for (let k = 0; k < 40 * CYCLE; k += 100) {
      const c = faultAt(k);
      if (c) void lab.submit(c, 'test');
      lab.clock({ action: 'step', ticks: 100 }, 'test');
      if (k === 10 * CYCLE) base = heapMiB();
    }
    expect(lab.tick).toBe(40 * CYCLE);
    expect([...kinds].sort()).toEqual(['command', 'faultEnded', 'info', 'oom', 'reboot']);
    expect(engine.takeEvents()).toEqual([]);
    expect(lab.recentEvents().length).toBeLessThanOrEqual(200);
    expect(lab.history.lastTick).toBe(40 * CYCLE - 1);
    expect(heapMiB() - base).toBeLessThan(16);
  }, 300_000);
});
