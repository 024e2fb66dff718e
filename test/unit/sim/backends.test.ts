/**
 * Dom0 has one backend per virtual device (model spec §5: "a blkback/netback thread per virtual
 * device is one scheduling entity inside Dom0"), and its CPU is split max-min among them. With one
 * backend per guest, split in the guest's served mix of disk and network, a guest asking for more
 * network took Dom0 from its own disk I/O: the shared disk went quieter and a neighbour's requests
 * got faster (p99 59.5 → 50.5 ms) as that guest asked for more of everything; and a storming guest's
 * own replies starved in the one backend its storm filled.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario, VpsSpec } from '../../../shared/commands.js';
import { createEngine } from '../../../server/sim/index.js';
import { scenario, web } from './helpers.js';

const guest = (id: string, diskIops: number, netMbps: number, disk: number, net: number): VpsSpec => ({
  id,
  vcpus: 1,
  ramGiB: 0.16,
  diskIops,
  netMbps,
  weight: 64,
  profile: 'steady',
  load: { cpu: 0, mem: 0, disk, net },
});

// A slow shared disk (150 IOPS) on a host of idle cores; Dom0's one vCPU is busy with the
// neighbour's traffic. The victim reads the disk now and then.
const lab: Scenario = {
  name: 'one backend per device',
  seed: 4799,
  mode: 'para',
  host: { cores: 57, ramGiB: 4, diskIops: 150, netMbps: 25_000 },
  vps: [guest('victim', 10, 10, 0.000001, 0), guest('neighbour', 40, 2540, 1.547395, 0.77922)],
};

/** The victim and the neighbour at tick 29 with the neighbour's disk and network sliders scaled. */
function at(scale: number) {
  const n = lab.vps[1];
  const e = createEngine({
    ...lab,
    vps: [lab.vps[0], { ...n, load: { ...n.load, disk: n.load!.disk! * scale, net: n.load!.net! * scale } }],
  });
  e.advance(29);
  const f = e.step();
  return { f, victim: f.vps[0], neighbour: f.vps[1] };
}

describe("Dom0's backends, one per virtual device", () => {
  it('a neighbour asking for more of the disk and the network never makes a victim on its disk faster', () => {
    let last = at(1);
    expect(last.f.host.dom0CpuUtil).toBeGreaterThan(0.99);
    // (Equal up to rounding where nothing moves: compared at a relative 1e-12.)
    const atLeast = (x: number, y: number, what: string) =>
      expect(x, what).toBeGreaterThanOrEqual(y * (1 - 1e-12));
    for (const scale of [1.5, 2, 2.3, 2.5, 3, 4]) {
      const now = at(scale);
      atLeast(now.neighbour.diskServedIops, last.neighbour.diskServedIops, `neighbour's disk ×${scale}`);
      atLeast(now.f.host.diskUtil, last.f.host.diskUtil, `disk utilization ×${scale}`);
      atLeast(now.victim.diskLatencyMs, last.victim.diskLatencyMs, `victim's disk latency ×${scale}`);
      atLeast(now.victim.latencyP99Ms, last.victim.latencyP99Ms, `victim's p99 ×${scale}`);
      last = now;
    }
  });

  it("a storming guest's netback carries its own replies in full beside the blkback its storm fills", () => {
    const s = scenario({ seed: 42, mode: 'para', vps: [web('a'), web('b'), web('c'), web('d')] });
    const e = createEngine(s);
    e.advance(20);
    expect(e.apply({ type: 'startFault', vps: 'd', fault: 'io_storm' }).ok).toBe(true);
    e.advance(29);
    const f = e.step();
    expect(f.host.dom0CpuUtil).toBe(1);
    const d = f.vps[3];
    // Its web traffic (0.2 of a 1 Gbit/s plan) is far below a fair share of Dom0: served whole.
    expect(d.netServedMbps).toBeCloseTo(d.netDemandMbps, 9);
    expect(d.diskServedIops).toBeLessThan(d.diskDemandIops * 0.5);
  });

  it("charged to their guest ([G06]), backends its grant pays whole are carried whole: a neighbour asking for more does not free the guest's share of the link", () => {
    // The guest's grant covers its own work and its backends' (g ≥ own + c): it pays c, whatever
    // g·c/(own + c) rounds to. Paid a hair short, its netback read as held back and its headroom on
    // the link fell to what it is served (ρ = 1: 1/17 of its requests refused), until the
    // neighbour's larger ask happened to round it whole again.
    const s: Scenario = {
      name: 'charged',
      seed: 1510,
      mode: { base: 'para', cachePartitioning: true, dom0Charging: true },
      host: { cores: 6, ramGiB: 16, diskIops: 1_000_000, netMbps: 10_000 },
      vps: [
        { ...guest('victim', 41_297, 2406, 0.602214, 0.000019), vcpus: 4, ramGiB: 0.5, weight: 1024 },
        { ...guest('neighbour', 10, 11, 0, 0.674272), vcpus: 2, ramGiB: 0.5 },
      ],
    };
    s.vps[0].load!.cpu = 0.657893;
    s.vps[1].load!.cpu = 0.488726;
    const victim = (scale: number) => {
      const n = s.vps[1];
      const e = createEngine({
        ...s,
        vps: [s.vps[0], { ...n, load: { ...n.load, cpu: n.load!.cpu! * scale, net: n.load!.net! * scale } }],
      });
      e.advance(29);
      return e.step().vps[0];
    };
    const a = victim(1),
      b = victim(1.4);
    expect(b.throughputRps * b.goodFraction).toBeLessThanOrEqual(
      a.throughputRps * a.goodFraction * (1 + 1e-4),
    );
    expect(a.errorRate).toBeLessThan(0.15);
  });
});
