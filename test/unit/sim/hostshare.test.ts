/**
 * Who pays for work done outside a guest's quota (hosted: the host OS) and how long a runnable
 * vCPU waits for a core under a work-conserving share.
 */
import { describe, expect, it } from 'vitest';
import { make, run, scenario, vpsOf, web } from './helpers.js';

describe('hosted: host-OS work when the host runs out of cores', () => {
  // Four capped guests whose own I/O nearly fills their quotas: with the host OS's share of that
  // I/O on top, the 8-core host is out of cores before anyone misbehaves.
  const busy = () =>
    scenario({
      mode: 'hosted',
      host: { cores: 8 },
      vps: ['a', 'b', 'c', 'd'].map((id) =>
        web(id, {
          vcpus: 4,
          cpuCapCores: 2,
          diskIops: 20_000,
          load: { cpu: 0.1, mem: 0.5, disk: 0.4, net: 0.05 },
        }),
      ),
      events: [{ atTick: 20, type: 'startFault', vps: 'd', fault: 'io_storm' }],
    });

  it('each VM pays for the host-OS work it causes: a storm does not take CPU from its neighbours', () => {
    const e = make(busy());
    const before = run(e, 20).at(-1)!;
    expect(before.host.cpuUtil).toBeCloseTo(1, 9);
    expect(before.host.hostOsCpuUtil).toBeGreaterThan(0);
    const during = run(e, 20).at(-1)!;
    // The stormer's host-OS work grew, yet the neighbours keep exactly their grant.
    expect(during.host.hostOsCpuUtil).toBeGreaterThan(before.host.hostOsCpuUtil);
    for (const id of ['a', 'b', 'c'])
      expect(vpsOf(during, id).cpuGranted).toBeCloseTo(vpsOf(before, id).cpuGranted, 12);
    // The stormer, above its fair quarter of the host with its host-OS work, is the one scaled down.
    expect(vpsOf(during, 'd').cpuGranted).toBeLessThan(2);
  });

  it('a flood far beyond what its guest can drive asks the host OS only for what the guest submits: the flooder pays with its own service', () => {
    // One core, two VMs capped at half of it, 10 GbE: a flood at line rate would cost the host OS
    // far more than the core, but the guest can only submit what its half-core drives.
    const e = make(
      scenario({
        mode: 'hosted',
        host: { cores: 1, ramGiB: 8, diskIops: 600_000, netMbps: 10_000 },
        vps: ['a', 'f'].map((id) =>
          web(id, {
            vcpus: 1,
            ramGiB: 2,
            cpuCapCores: 0.5,
            netMbps: 10_000,
            load: { cpu: 0.25, mem: 0.5, disk: 0, net: 0.002 },
          }),
        ),
        events: [{ atTick: 20, type: 'startFault', vps: 'f', fault: 'net_flood' }],
      }),
    );
    const before = run(e, 20).at(-1)!;
    const during = run(e, 40).at(-1)!;
    // The flooder's grant stays its whole cap, and its flood takes most of it from its own service.
    expect(vpsOf(during, 'f').cpuGranted).toBeCloseTo(0.5, 9);
    expect(vpsOf(during, 'f').throughputRps).toBeLessThan(0.5 * vpsOf(before, 'f').throughputRps);
    // Its neighbour keeps what it had.
    expect(vpsOf(during, 'a').throughputRps).toBeGreaterThan(0.99 * vpsOf(before, 'a').throughputRps);
  });

  it('with idle cores left, the host OS takes them and every quota is granted in full', () => {
    const s = busy();
    const e = make({ ...s, host: { cores: 16 }, events: [] });
    const f = run(e, 5).at(-1)!;
    expect(f.host.cpuIdleCores).toBeGreaterThan(0);
    for (const v of f.vps) expect(v.cpuGranted).toBe(Math.min(v.cpuDemand, 2));
  });
});

describe('scheduler wait under a work-conserving share', () => {
  it('a many-vCPU hog filling the host delays every neighbour by the slices it holds (para)', () => {
    const e = make(
      scenario({
        mode: 'para',
        host: { cores: 8 },
        vps: [
          web('a', { load: { cpu: 0.3, mem: 0.5, disk: 0, net: 0 } }),
          web('b', { load: { cpu: 0.3, mem: 0.5, disk: 0, net: 0 } }),
          web('hog', { vcpus: 8, load: { cpu: 0.3, mem: 0.5, disk: 0, net: 0 } }),
        ],
        events: [{ atTick: 10, type: 'startFault', vps: 'hog', fault: 'cpu_hog' }],
      }),
    );
    const before = run(e, 10).at(-1)!;
    const after = run(e, 10).at(-1)!;
    // 4.8 of 8 cores busy: a waking vCPU finds all eight taken with chance 0.6^8 ≈ 1.7 %.
    expect(vpsOf(before, 'a').schedWaitMs).toBeLessThan(0.1);
    // Every core taken: by the hog (8 − 2.4 = 5.6 cores, whole 30 ms slices, half left on average)
    // or by b (1.2 cores, one 4 ms request stage): a's wait excludes its own runs. The hog runs with
    // credit left for its fair third of the host and OVER beyond it, so b's work and a third of the
    // host are queued ahead of a's waking vCPU, never more than one run of each other runnable vCPU
    // (the hog's 8 and b's 2 on 8 cores); a request without I/O wakes a's vCPU once.
    const hogCores = 8 - 2 * 1.2;
    expect(vpsOf(after, 'a').cpuGranted).toBeCloseTo(1.2, 9);
    const residual = (hogCores * 15 + 1.2 * 2) / (hogCores + 1.2);
    const queue = Math.min(1 / (1 - (1.2 + 8 / 3) / 8), (8 + 2) / 8);
    expect(vpsOf(after, 'a').schedWaitMs).toBeCloseTo(residual * queue, 9);
    expect(vpsOf(after, 'a').latencyP99Ms).toBeGreaterThan(1.5 * vpsOf(before, 'a').latencyP99Ms);
    expect(vpsOf(after, 'a').degradation).toBeLessThan(0.01);
  });
});
