/**
 * Dom0's fair share (model spec §5): Dom0's CPU is split max-min among the guests' backends, so a
 * guest asking less than its fair share is served in full, and a storm that saturates Dom0 costs
 * it queueing latency, not requests. Only the guest held below its want finds its backend full.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../shared/model.js';
import { createEngine } from '../../../server/sim/index.js';
import { scenario, vpsOf, web } from './helpers.js';

/** Four web guests under para; d storms its disk from 2 s on. Dom0 is saturated, the disk is not. */
function storm(): { before: Frame; after: Frame } {
  const s = scenario({
    seed: 42,
    mode: 'para',
    vps: [web('a'), web('b'), web('c'), web('d')],
    events: [{ atS: 2, type: 'startFault', vps: 'd', fault: 'io_storm' }],
  });
  const e = createEngine(s);
  e.advance(15);
  const before = e.step();
  e.advance(40);
  return { before, after: e.step() };
}

describe("Dom0's fair share under a storm that saturates it", () => {
  it('neighbours within their share lose no requests at Dom0, only wait longer', () => {
    const { before, after } = storm();
    expect(after.host.dom0CpuUtil).toBe(1);
    expect(after.host.diskUtil).toBeLessThan(0.5);
    for (const id of ['a', 'b', 'c']) {
      const b = vpsOf(before, id),
        v = vpsOf(after, id);
      // Served in full by max-min: a saturated stage would refuse 1/(K + 1) = 5.9 % of its requests.
      expect(v.errorRate, `${id} refused at Dom0`).toBeLessThan(0.01);
      expect(v.throughputRps, id).toBeGreaterThan(0.99 * v.demandRps);
      // A busier Dom0 and disk: the wait grows.
      expect(v.diskLatencyMs, id).toBeGreaterThan(b.diskLatencyMs);
      expect(v.latencyP99Ms, id).toBeGreaterThan(b.latencyP99Ms);
    }
  });

  it('the storming guest, held below its want, is the one refused', () => {
    const { after } = storm();
    const d = vpsOf(after, 'd');
    expect(d.errorRate).toBeGreaterThan(0.05);
    for (const id of ['a', 'b', 'c']) expect(d.errorRate).toBeGreaterThan(10 * vpsOf(after, id).errorRate);
  });
});
