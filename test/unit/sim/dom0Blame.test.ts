/**
 * Who hurts whom through Dom0 names Dom0 (model spec §7: who hurt whom through what). Under para
 * every guest's disk and network I/O passes Dom0's backends (§5): a guest filling Dom0 with disk I/O
 * delays a neighbour's replies in netback as much as its reads in blkback, so the edge is on the
 * stage they share, whatever device the culprit storms and whichever path the victim waits on. It
 * named the culprit's device: a neighbour that only serves the network read as hurt on the disk.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario, VpsSpec } from '../../../shared/commands.js';
import type { Attribution, GuestFault } from '../../../shared/model.js';
import { createEngine } from '../../../server/sim/index.js';

const guest = (id: string, disk: number, net: number): VpsSpec => ({
  id,
  vcpus: 2,
  ramGiB: 4,
  diskIops: 5000,
  netMbps: 1000,
  role: 'web',
  load: { cpu: 0.2, mem: 0.3, disk, net },
});

// Idle cores and a fast disk and NIC: only Dom0's one vCPU is short, so every edge is Dom0's.
const lab: Scenario = {
  name: 'blame through Dom0',
  seed: 5,
  mode: 'para',
  host: { cores: 16, ramGiB: 64, diskIops: 1_000_000, netMbps: 25_000 },
  vps: [
    guest('storm', 0.1, 0.1),
    guest('netOnly', 0, 0.3),
    guest('diskOnly', 0.3, 0),
    guest('both', 0.3, 0.3),
  ],
};

/** The edges of 50 ticks of `fault` on the storm guest, after 20 calm ones. */
function edgesUnder(fault: GuestFault): Attribution[] {
  const e = createEngine(lab);
  e.advance(20);
  expect(e.apply({ type: 'startFault', vps: 'storm', fault }).ok).toBe(true);
  const out: Attribution[] = [];
  for (let t = 0; t < 50; t++) {
    const f = e.step();
    if (t >= 10) {
      expect(f.host.dom0CpuUtil, `tick ${f.tick}`).toBeGreaterThan(0.8);
      expect(Math.max(f.host.diskUtil, f.host.netUtil), `tick ${f.tick}`).toBeLessThan(0.8);
      out.push(...f.attribution);
    }
  }
  return out;
}

const on = (edges: Attribution[], victim: string) =>
  [
    ...new Set(edges.filter((a) => a.victim === victim && a.culprit === 'storm').map((a) => a.resource)),
  ].sort();

describe('blame through Dom0 names Dom0, the stage the victims share', () => {
  for (const fault of ['io_storm', 'net_flood'] as const)
    it(`${fault}: a network-only guest, a disk-only guest and one using both are hurt via Dom0`, () => {
      const edges = edgesUnder(fault);
      for (const victim of ['netOnly', 'diskOnly', 'both'])
        expect(on(edges, victim), victim).toEqual(['dom0']);
      // Every tick of the storm names it for each of them, on Dom0 alone.
      expect([...new Set(edges.map((a) => `${a.victim}/${a.culprit}/${a.resource}`))].sort()).toEqual([
        'both/storm/dom0',
        'diskOnly/storm/dom0',
        'netOnly/storm/dom0',
      ]);
      expect(edges.length).toBe(3 * 40);
    });
});
