/**
 * A net_flood through Dom0's netback while the NIC is busy too (para, model spec §5). Dom0's one
 * vCPU holds the flood back: what netback does not carry waits in the guest's ring, so only what it
 * carried reaches the NIC's transmit queue, and a neighbour's replies wait behind that, however far
 * past its link share the flood asks. Who hurts whom weighs the NIC's split (its edges on the network)
 * and Dom0's (its edges on Dom0) by the wait each costs the victim, as on the disk (dom0Weights.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Scenario, VpsSpec } from '../../../shared/commands.js';
import type { Frame } from '../../../shared/model.js';
import { createEngine } from '../../../server/sim/index.js';

const vps = (id: string, disk: number, net: number, netMbps = 1000): VpsSpec => ({
  id,
  vcpus: 2,
  ramGiB: 4,
  diskIops: 5000,
  netMbps,
  load: { cpu: 0.2, mem: 0.3, disk, net },
});

// A 2 Gbit/s link: the webs and C send 900 Mbit/s, A floods. Dom0's one vCPU carries 2 000 Mbit/s
// of traffic at most, so it holds A below the 1 100 Mbit/s the link leaves it.
const lab: Scenario = {
  name: 'netback and the NIC busy',
  seed: 1,
  mode: 'para',
  host: { cores: 16, ramGiB: 64, diskIops: 100_000, netMbps: 2000 },
  vps: [vps('web-1', 0.1, 0.2), vps('web-2', 0.1, 0.2), vps('C', 0.1, 0.5), vps('A', 0, 0.1, 2000)],
};

function flood(rate: number, s: Scenario = lab): Frame[] {
  const e = createEngine(s);
  expect(e.apply({ type: 'startFault', vps: 'A', fault: 'net_flood', rate }).ok).toBe(true);
  const out: Frame[] = [];
  for (let t = 0; t < 60; t++) out.push(e.step());
  return out;
}

describe('a net_flood Dom0 holds back, with the NIC busy', () => {
  it("delays the neighbours' replies by what netback forwards, not by how much more the flood asks", () => {
    // At half the line rate the flood asks 1 200 Mbit/s, past the 1 100 the link leaves it; at the
    // full line rate 2 200. Dom0 carries the same of it either way.
    const atShare = flood(0.5);
    const past = flood(1);
    let busy = 0;
    for (let t = 20; t < 60; t++) {
      const a = atShare[t],
        b = past[t];
      expect(b.vps[3].netDemandMbps).toBeGreaterThan(a.vps[3].netDemandMbps * 1.5);
      expect(b.vps[3].netServedMbps).toBeCloseTo(a.vps[3].netServedMbps, 6);
      expect(b.host.dom0CpuUtil).toBeGreaterThan(0.99);
      if (b.host.netUtil > 0.9) busy++;
      for (const i of [0, 1, 2])
        expect(b.vps[i].latencyP99Ms, `tick ${t} ${b.vps[i].id}`).toBeCloseTo(a.vps[i].latencyP99Ms, 6);
    }
    expect(busy).toBe(40);
  });

  it("splits a web's I/O shortfall once, between the NIC's queue and Dom0 by the wait each costs", () => {
    let both = 0;
    for (const f of flood(1).slice(5)) {
      if (!(f.host.netUtil > 0.8 && f.host.dom0CpuUtil > 0.8)) continue;
      both++;
      for (const id of ['web-1', 'web-2']) {
        const io = f.attribution.filter(
          (a) => a.victim === id && (a.resource === 'net' || a.resource === 'dom0'),
        );
        const sum = io.reduce((x, a) => x + a.share, 0);
        expect(sum, `tick ${f.tick} ${id}: ${JSON.stringify(io)}`).toBeLessThanOrEqual(1 + 1e-9);
        // The flood fills the link and Dom0 alike: named for nearly all of it, on the NIC for the
        // link's wait and on Dom0 for the backend's. C, at an equal share of the link but above one
        // of Dom0, could take only Dom0's part, a fraction of a ms beside the link's.
        expect(io.map((a) => a.culprit)).toEqual(io.map(() => 'A'));
        expect(io.filter((a) => a.resource === 'net').map((a) => a.culprit)).toEqual(['A']);
        expect(sum).toBeGreaterThan(0.95);
      }
    }
    expect(both).toBe(55);
  });

  it('leaves the neighbours the same headroom on the link when the flood asks exactly the share left to it', () => {
    // At 0.45 of the line rate every sender's want fits the link exactly (no one is capped, none of
    // it idle); a hair more and the link's max-min level caps the flood. Either way a web could
    // still grow to its equal share of the link: the same replies, the same waits, no refusals.
    const exact = flood(0.45);
    const past = flood(0.5);
    for (let t = 20; t < 60; t++)
      for (const i of [0, 1]) {
        const a = exact[t].vps[i],
          b = past[t].vps[i];
        // (Its own share of the link differs, its equal share against the flood's cap: a loss of
        // its share's ρ^17, under 1e-6, apart.)
        expect(Math.abs(a.errorRate - b.errorRate), `tick ${t} ${a.id}`).toBeLessThan(1e-6);
        expect(a.latencyP99Ms, `tick ${t} ${a.id}`).toBeCloseTo(b.latencyP99Ms, 3);
      }
  });
});
