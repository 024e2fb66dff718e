/**
 * The shared kernel's write path (server/sim/journal.ts): containers share the host's dirty pool
 * and the filesystem journal, so a storm without limits costs a neighbour its durable writes even
 * on a disk far faster than the storm can use; with limits each container's writeback is its own,
 * but a commit still waits for the ordered data a storm held at its io.max has in flight.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../shared/commands.js';
import { createEngine } from '../../../server/sim/index.js';
import { web } from './helpers.js';

/**
 * Two light web containers on a fast NVMe host; `b` storms from t = 1 s, in small requests (a
 * small-file storm [B03]: each op its CPU as a service's), which its one vCPU cannot submit fast
 * enough to fill the device.
 */
function nvme(containerLimits: boolean, over: Record<string, number> = {}): Scenario {
  const params = { ioStormRequestOps: 1, ...over };
  const plan = { vcpus: 1, ramGiB: 4, diskIops: 200_000, netMbps: 1000 };
  return {
    name: 'journal',
    seed: 3,
    mode: { base: 'container', containerLimits },
    host: { cores: 8, ramGiB: 32, diskIops: 400_000, netMbps: 10_000 },
    params,
    vps: [
      web('a', { ...plan, profile: 'steady', load: { cpu: 0.2, mem: 0.3, disk: 0.001, net: 0.01 } }),
      web('b', { ...plan, profile: 'steady', load: { cpu: 0.2, mem: 0.3, disk: 0.001, net: 0.01 } }),
    ],
    events: [{ atS: 1, type: 'startFault', vps: 'b', fault: 'io_storm' }],
  };
}

/** Mean good responses per second of `a` over ticks 20…79, and its mean disk latency. */
function neighbour(s: Scenario): { good: number; diskMs: number; served: number } {
  const e = createEngine(s);
  e.advance(20);
  let good = 0,
    diskMs = 0,
    served = 0;
  for (let t = 0; t < 60; t++) {
    const a = e.step().vps[0];
    good += a.throughputRps * a.goodFraction;
    diskMs += a.diskLatencyMs;
    served += e.frame().host.diskUtil;
  }
  return { good: good / 60, diskMs: diskMs / 60, served: served / 60 };
}

function calm(s: Scenario): Scenario {
  return { ...s, events: [] };
}

describe('shared kernel write path', () => {
  it('without limits, a storm the device could absorb still costs a neighbour its durable writes', () => {
    const s = nvme(false);
    const storm = neighbour(s);
    const base = neighbour(calm(s));
    // The storm's guest cannot submit enough direct I/O to fill the device (its one vCPU) ...
    expect(storm.served).toBeLessThan(0.9);
    // ... yet the host's dirty pool is full: the writing share of requests waits a journal commit.
    const loss = 1 - storm.good / base.good;
    expect(loss).toBeGreaterThan(0.8 * 0.2);
    expect(loss).toBeLessThan(0.5);
    expect(storm.diskMs).toBeGreaterThan(0.2 * 5000 * 0.9);
  });

  it('the loss follows the share of requests that write, and vanishes without durable writes', () => {
    const lossAt = (share: number) => {
      const s = nvme(false, { webWriteShare: share });
      return 1 - neighbour(s).good / neighbour(calm(s)).good;
    };
    const none = lossAt(0),
      some = lossAt(0.1),
      more = lossAt(0.4);
    expect(none).toBeLessThan(0.01);
    expect(some).toBeGreaterThan(none + 0.05);
    expect(more).toBeGreaterThan(some + 0.2);
  });

  it('with limits, a neighbour waits on the storm held at its io.max: a few percent, whatever the device', () => {
    // The same host at three device speeds, each guest's io.max half the device: the throttled
    // storm's chunk takes writebackChunkS to reach the disk, so the loss does not follow the device.
    const losses = [400_000, 80_000, 400].map((diskIops) => {
      const s = nvme(true);
      const sized: Scenario = {
        ...s,
        host: { ...s.host, diskIops },
        vps: s.vps.map((v) => ({ ...v, diskIops: diskIops / 2, load: { ...v.load, disk: 0.1 } })),
      };
      return 1 - neighbour(sized).good / neighbour(calm(sized)).good;
    });
    for (const loss of losses) {
      expect(loss).toBeGreaterThan(0.01);
      expect(loss).toBeLessThan(0.1);
    }
    expect(Math.max(...losses) / Math.min(...losses)).toBeLessThan(1.5);
  });

  it('with limits, the loss follows the durable writes and the chunk in flight, and needs a writer held at its cap', () => {
    const lossAt = (params: Record<string, number>) => {
      const s = nvme(true, params);
      return 1 - neighbour(s).good / neighbour(calm(s)).good;
    };
    const base = lossAt({});
    // No durable writes: nothing waits on the journal, and the storm's writeback (asynchronous)
    // does not queue ahead of the neighbour's own requests at the device.
    expect(lossAt({ webWriteShare: 0 })).toBeLessThan(0.001);
    expect(lossAt({ webWriteShare: 0.4 })).toBeGreaterThan(1.5 * base);
    expect(lossAt({ writebackChunkS: 1 })).toBeGreaterThan(2 * base);
    expect(lossAt({ writebackChunkS: 0.25 })).toBeLessThan(base / 2);
    // A storm that stays under its io.max is not throttled: its writeback goes as it comes.
    expect(lossAt({ ioStormFactor: 0.5 })).toBeLessThan(0.001);
  });

  it('a commit shorter than the SLO costs latency, not good responses; other modes have no shared journal', () => {
    const short = nvme(false, { journalCommitS: 0.05 });
    const loss = 1 - neighbour(short).good / neighbour(calm(short)).good;
    expect(loss).toBeLessThan(0.01);
    const para: Scenario = { ...nvme(false), mode: 'para' };
    const p = neighbour(para);
    expect(p.diskMs).toBeLessThan(100);
  });
});
