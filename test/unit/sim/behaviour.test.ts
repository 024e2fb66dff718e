import { describe, expect, it } from 'vitest';
import type { ModeSpec } from '../../../shared/commands.js';
import { make, mean, run, scenario, vpsOf, web } from './helpers.js';

const hogged = (mode: ModeSpec) =>
  scenario({
    mode,
    vps: [web('a'), web('b'), web('c'), web('hog', { cpuCapCores: 2 })],
    host: { cores: 8 },
    events: [{ atTick: 0, type: 'startFault', vps: 'hog', fault: 'cpu_hog' }],
  });

describe('CPU: steal versus throttled', () => {
  it('a capped hog is throttled by its own cap, not stolen from (para with credit caps, containers)', () => {
    for (const mode of [{ base: 'para', cpuCaps: true }, 'container'] as const) {
      const f = run(make(hogged(mode)), 5).at(-1)!;
      const hog = vpsOf(f, 'hog');
      expect(hog.cpuGranted).toBeCloseTo(2, 9);
      expect(hog.cpuThrottled).toBeCloseTo(0.5, 9);
      expect(hog.cpuSteal).toBe(0);
    }
  });

  it('para leaves the credit cap off by default: a hog uses idle cores up to its vCPUs', () => {
    const f = run(make(hogged('para')), 5).at(-1)!;
    const hog = vpsOf(f, 'hog');
    expect(hog.cpuGranted).toBeGreaterThan(2.5);
    expect(hog.cpuThrottled).toBe(0);
  });

  it('under full the same plan cap is the quota: the hog is throttled at it', () => {
    const s = hogged('full');
    const f = run(make({ ...s, vps: s.vps.map((v) => ({ ...v, cpuCapCores: 2 })) }), 5).at(-1)!;
    const hog = vpsOf(f, 'hog');
    expect(hog.cpuGranted).toBeCloseTo(2, 9);
    expect(hog.cpuThrottled).toBeCloseTo(0.5, 9);
    expect(hog.cpuSteal).toBe(0);
  });

  it('uncapped guests contending for a short host see steal, and p99 rises; under full they do not', () => {
    const s = (mode: ModeSpec) =>
      scenario({
        mode,
        host: { cores: 8 },
        vps: [
          web('a', { cpuCapCores: 2 }),
          web('b', { cpuCapCores: 2 }),
          web('c', { cpuCapCores: 2 }),
          web('hog', { cpuCapCores: 2 }),
        ],
        events: [{ atTick: 10, type: 'startFault', vps: 'hog', fault: 'cpu_hog' }],
      });
    const para = make({
      ...s('para'),
      vps: s('para').vps.map((v) => ({ ...v, cpuCapCores: undefined, load: { ...v.load, cpu: 0.6 } })),
    });
    const before = run(para, 10).at(-1)!;
    const after = run(para, 10).at(-1)!;
    expect(vpsOf(after, 'a').cpuSteal).toBeGreaterThan(0);
    expect(vpsOf(after, 'a').latencyP99Ms).toBeGreaterThan(1.5 * vpsOf(before, 'a').latencyP99Ms);
    expect(vpsOf(after, 'hog').cpuThrottled).toBe(0);
    const full = make(s('full'));
    const fb = run(full, 10).at(-1)!;
    const fa = run(full, 10).at(-1)!;
    expect(vpsOf(fa, 'a').cpuSteal).toBe(0);
    expect(vpsOf(fa, 'a').cpuGranted).toBe(vpsOf(fb, 'a').cpuGranted);
    expect(vpsOf(fa, 'hog').cpuThrottled).toBeGreaterThan(0);
    expect(fa.host.cpuIdleCores).toBeGreaterThan(0);
  });
});

describe('fault blast radius', () => {
  const panic = (mode: ModeSpec) => {
    const e = make(
      scenario({
        mode,
        events: [{ atS: 1, type: 'startFault', vps: 'd', fault: 'kernel_panic', durationS: 5 }],
      }),
    );
    const frames = run(e, 100);
    return { during: frames[30], after: frames[99] };
  };

  it('a guest kernel panic downs only that guest in VMs, every container with one kernel; all come back', () => {
    for (const mode of ['full', 'para', 'hosted'] as const) {
      const { during, after } = panic(mode);
      expect(vpsOf(during, 'd').state).toBe('rebooting');
      expect(vpsOf(during, 'a').state).not.toMatch(/down|rebooting|dnr/);
      expect(vpsOf(after, 'd').throughputRps).toBeGreaterThan(0);
    }
    const { during, after } = panic('container');
    for (const v of during.vps) expect(v.state).toMatch(/down|rebooting/);
    expect(during.host.running).toBe(0);
    expect(vpsOf(after, 'a').throughputRps).toBeGreaterThan(0);
    expect(
      during.attribution.some((e) => e.victim === 'a' && e.culprit === 'd' && e.resource === 'kernel'),
    ).toBe(true);
  });

  it('a fork bomb hangs only its own VM; without pids.max it hangs every container; with it, only its own service suffers', () => {
    const bomb = (mode: ModeSpec) =>
      run(
        make(scenario({ mode, events: [{ atTick: 0, type: 'startFault', vps: 'd', fault: 'fork_bomb' }] })),
        40,
      ).at(-1)!;
    for (const mode of ['full', 'para'] as const) {
      const f = bomb(mode);
      expect(vpsOf(f, 'd').goodFraction).toBe(0);
      expect(vpsOf(f, 'a').degradation).toBeLessThan(0.01);
    }
    const nolimits = bomb({ base: 'container', containerLimits: false });
    for (const v of nolimits.vps) expect(v.throughputRps).toBe(0);
    const limits = bomb({ base: 'container', containerLimits: true });
    expect(vpsOf(limits, 'a').degradation).toBeLessThan(0.01);
    expect(vpsOf(limits, 'd').degradation).toBeGreaterThan(0.5);
  });

  it('host faults: dom0_crash stops all I/O under para; host_os_crash downs all under hosted; host_reboot downs all anywhere', () => {
    const dom0 = run(
      make(
        scenario({
          mode: 'para',
          events: [{ atTick: 0, type: 'hostFault', fault: 'dom0_crash', durationS: 3 }],
        }),
      ),
      20,
    ).at(-1)!;
    for (const v of dom0.vps) {
      expect(v.diskServedIops).toBe(0);
      expect(v.netServedMbps).toBe(0);
    }
    const hosted = run(
      make(scenario({ mode: 'hosted', events: [{ atTick: 0, type: 'hostFault', fault: 'host_os_crash' }] })),
      5,
    ).at(-1)!;
    for (const v of hosted.vps) expect(v.state).toBe('down');
    const reboot = run(
      make(
        scenario({
          mode: 'container',
          events: [{ atTick: 0, type: 'hostFault', fault: 'host_reboot', durationS: 1 }],
        }),
      ),
      30,
    );
    for (const v of reboot[5].vps) expect(v.state).toBe('down');
    for (const v of reboot[29].vps) expect(v.state).not.toBe('down');
  });

  it('a memory leak restarts only its own guest where memory is reserved or limited', () => {
    for (const mode of ['full', 'para', { base: 'container', containerLimits: true }] as ModeSpec[]) {
      const e = make(
        scenario({ mode, events: [{ atTick: 0, type: 'startFault', vps: 'd', fault: 'memory_leak' }] }),
      );
      const frames = run(e, 200);
      expect(frames.some((f) => vpsOf(f, 'd').state === 'rebooting')).toBe(true);
      expect(Math.max(...frames.map((f) => vpsOf(f, 'a').degradation))).toBeLessThan(0.01);
      expect(e.takeEvents().some((n) => n.type === 'oomKill' && n.vps === 'd')).toBe(true);
    }
  });
});

describe('Dom0 and devices', () => {
  it('Dom0 saturation scales every guest’s I/O and shows up as Dom0 CPU', () => {
    const s = (dom0Vcpus: number) =>
      scenario({
        mode: { base: 'para', dom0Vcpus },
        vps: ['a', 'b', 'c', 'd'].map((id) =>
          web(id, { load: { cpu: 0.2, mem: 0.3, disk: 0.5, net: 0.5 }, netMbps: 2500 }),
        ),
      });
    const roomy = make(s(8)).step();
    const tight = make(s(1)).step();
    expect(roomy.host.dom0CpuUtil).toBeLessThan(0.99);
    expect(tight.host.dom0CpuUtil).toBeCloseTo(1, 6);
    for (const id of ['a', 'b']) {
      expect(vpsOf(tight, id).netServedMbps).toBeLessThan(vpsOf(roomy, id).netServedMbps * 0.99);
      expect(vpsOf(roomy, id).netServedMbps).toBeCloseTo(vpsOf(roomy, id).netDemandMbps, 6);
    }
  });

  it('containers without shaping share the NIC in proportion to demand; with shaping the flooder is held to its plan', () => {
    const s = (netShaping: boolean) =>
      scenario({
        mode: { base: 'container', netShaping },
        host: { netMbps: 2000 },
        vps: ['a', 'b', 'c', 'd'].map((id) =>
          web(id, { load: { cpu: 0.1, mem: 0.3, disk: 0.1, net: 0.3 }, netMbps: 500 }),
        ),
        events: [{ atTick: 0, type: 'startFault', vps: 'd', fault: 'net_flood' }],
      });
    const open = run(make(s(false)), 20).at(-1)!;
    const shaped = run(make(s(true)), 20).at(-1)!;
    expect(vpsOf(open, 'a').netServedMbps).toBeLessThan(vpsOf(open, 'a').netDemandMbps * 0.95);
    expect(vpsOf(shaped, 'a').netServedMbps).toBeCloseTo(vpsOf(shaped, 'a').netDemandMbps, 6);
    expect(open.attribution.some((e) => e.victim === 'a' && e.culprit === 'd' && e.resource === 'net')).toBe(
      true,
    );
  });
});

describe('backlog', () => {
  it('grows under contention, drops past its bound, and drains visibly afterwards', () => {
    const e = make(
      scenario({
        mode: 'container',
        host: { netMbps: 2000 },
        vps: ['a', 'b', 'c', 'd'].map((id) =>
          web(id, { load: { cpu: 0.1, mem: 0.3, disk: 0, net: 0.4 }, netMbps: 1000 }),
        ),
        events: [
          { atS: 1, type: 'startFault', vps: 'd', fault: 'net_flood' },
          { atS: 4, type: 'stopFault', vps: 'd', fault: 'net_flood' },
        ],
      }),
    );
    const frames = run(e, 120);
    const backlog = frames.map((f) => vpsOf(f, 'a').backlog);
    const peak = Math.max(...backlog);
    const peakAt = backlog.indexOf(peak);
    expect(backlog[5]).toBe(0);
    expect(peak).toBeGreaterThan(0);
    expect(peakAt).toBeGreaterThanOrEqual(39);
    // Draining takes several ticks after the flood stops, with throughput above demand meanwhile.
    expect(backlog[41]).toBeGreaterThan(0);
    expect(vpsOf(frames[41], 'a').throughputRps).toBeGreaterThan(vpsOf(frames[41], 'a').demandRps);
    expect(backlog[119]).toBe(0);
    expect(mean(frames.slice(100), 'a', 'latencyMeanMs')).toBeLessThan(
      mean(frames.slice(30, 39), 'a', 'latencyMeanMs'),
    );
  });
});
