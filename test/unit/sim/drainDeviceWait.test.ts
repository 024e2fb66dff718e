/**
 * The disk and network stages' queueing wait with a backlog draining on the device (model spec §5,
 * §7): the drained ops occupy the device in the same tick as everyone's own, so every request
 * queueing there waits at the utilization they make together, the one the frame reports as
 * `diskUtil` (`netUtil`), and a drainer alone on the host still reads no degradation from it.
 */
import { describe, expect, it } from 'vitest';
import type { ModeSpec, Scenario, VpsSpec } from '../../../shared/commands.js';
import type { Frame, VpsMetrics } from '../../../shared/model.js';
import { createEngine, DEFAULT_PARAMS as K } from '../../../server/sim/index.js';
import { nicQueueDelayMs } from '../../../server/sim/nicqueue.js';
import { sojourn } from '../../../server/sim/stagewait.js';

const host = { cores: 16, ramGiB: 64, diskIops: 10_000, netMbps: 10_000 };

/** A web on one device: 1 600 ops (Mbit/s) a second at its quiet load, 8 000 where it queues a backlog. */
function web(device: 'disk' | 'net', sloMs = 1000): VpsSpec {
  return {
    id: 'web-1',
    vcpus: 8,
    ramGiB: 2,
    diskIops: 8000,
    netMbps: 8000,
    sensitivity: 0,
    sloMs,
    load: { cpu: 0.05, mem: 0, disk: device === 'disk' ? 0.2 : 0, net: device === 'net' ? 0.2 : 0 },
  };
}

/**
 * A neighbour asking 1 000 ops (400 Mbit/s) a second of the same device and nothing of the other,
 * a small part of its plan: the device's utilization, not its own share, sets its wait there.
 */
function neighbour(device: 'disk' | 'net'): VpsSpec {
  return {
    id: 'nb-1',
    vcpus: 1,
    ramGiB: 1,
    diskIops: 10_000,
    netMbps: 10_000,
    sensitivity: 0,
    load: { cpu: 0.05, mem: 0, disk: device === 'disk' ? 0.1 : 0, net: device === 'net' ? 0.04 : 0 },
  };
}

/** A request's time outside the scheduler's wait: its stages and (network) the link. */
function stagesMs(v: VpsMetrics): number {
  return v.latencyMeanMs - v.schedWaitMs;
}

function byId(f: Frame, id: string): VpsMetrics {
  return f.vps.find((v) => v.id === id)!;
}

/** Frames before the web queues a backlog, the first ticks of its drain, and after it drained. */
function run(
  mode: ModeSpec,
  device: 'disk' | 'net',
  vps: VpsSpec[],
  overloadTicks = 30,
): { before: Frame; draining: Frame[]; after: Frame } {
  const s: Scenario = { name: `${device} wait while a backlog drains`, seed: 1, mode, host, vps };
  const e = createEngine(s);
  e.advance(10);
  const before = e.step();
  e.apply({ type: 'setLoad', vps: 'web-1', load: { [device]: 4 } });
  e.advance(overloadTicks);
  e.apply({ type: 'setLoad', vps: 'web-1', load: { [device]: 0.2 } });
  const draining = [e.step(), e.step()];
  e.advance(200);
  const after = e.step();
  return { before, draining, after };
}

/** The wait a request on `device` has at the device (and, on the network, in the NIC's queue) at `f`'s utilization. */
function deviceWaitMs(f: Frame, device: 'disk' | 'net'): number {
  if (device === 'disk') return K.diskStageMs * sojourn(f.host.diskUtil, K.stageSlots);
  const nic = nicQueueDelayMs(
    f.host.netUtil * host.netMbps,
    host.netMbps,
    K.nicQueuePackets,
    K.netPacketBytes,
  );
  return K.netStageMs * sojourn(f.host.netUtil, K.stageSlots) + nic;
}

type Device = 'disk' | 'net';
/** Dom0 with four vCPUs: it keeps up with the drain (with one, a drain on the network fills it first). */
const para: ModeSpec = { base: 'para', dom0Vcpus: 4 };
const name = (m: ModeSpec): string => (typeof m === 'string' ? m : JSON.stringify(m));

const pairs: [string, Device, ModeSpec][] = (
  [
    ['full', 'disk'],
    ['full', 'net'],
    ['container', 'disk'],
    ['hosted', 'disk'],
  ] as [ModeSpec, Device][]
).map(([m, d]) => [name(m), d, m]);

const alone: [string, Device, ModeSpec][] = (
  [
    ['full', 'disk'],
    ['full', 'net'],
    ['container', 'disk'],
    ['container', 'net'],
    [{ base: 'container', containerLimits: false }, 'disk'],
    ['hosted', 'disk'],
    ['hosted', 'net'],
    ['para', 'disk'],
    [para, 'disk'],
    [para, 'net'],
  ] as [ModeSpec, Device][]
).map(([m, d]) => [name(m), d, m]);

describe("a device stage's wait while a backlog drains on the device", () => {
  it.each(pairs)(
    '%s, %s: is the wait at the utilization the drained ops make with everyone, in the same tick',
    (_, device, mode) => {
      const { before, draining, after } = run(mode, device, [neighbour(device), web(device)]);
      const util = (f: Frame): number => (device === 'disk' ? f.host.diskUtil : f.host.netUtil);
      // Before and after the drain: no backlog, the device busy with everyone's own work alone.
      for (const f of [before, after]) expect(f.vps.every((v) => v.backlog === 0)).toBe(true);
      expect(util(after)).toBeCloseTo(util(before), 12);
      expect(stagesMs(byId(after, 'nb-1'))).toBeCloseTo(stagesMs(byId(before, 'nb-1')), 12);
      for (const f of draining) {
        const w = byId(f, 'web-1');
        // The web drains beyond its 1 600 a second, the device far busier; the neighbour has no backlog.
        expect(w.backlog).toBeGreaterThan(0);
        expect(device === 'disk' ? w.diskServedIops : w.netServedMbps).toBeGreaterThan(2800);
        expect(util(f)).toBeGreaterThan(util(before) + 0.1);
        expect(byId(f, 'nb-1').backlog).toBe(0);
        // The neighbour's requests wait at the device at the utilization the frame reports: only that moved.
        const more = deviceWaitMs(f, device) - deviceWaitMs(before, device);
        expect(more).toBeGreaterThan(0.1);
        const moved = stagesMs(byId(f, 'nb-1')) - stagesMs(byId(before, 'nb-1'));
        expect(moved).toBeCloseTo(more, 9);
      }
    },
  );

  it('para, disk: the disk stage and the Dom0 stage both read the drained work', () => {
    const { before, draining } = run(para, 'disk', [neighbour('disk'), web('disk')]);
    for (const f of draining) {
      expect(byId(f, 'web-1').backlog).toBeGreaterThan(0);
      expect(byId(f, 'nb-1').backlog).toBe(0);
      expect(f.host.diskUtil).toBeGreaterThan(before.host.diskUtil + 0.3);
      expect(f.host.dom0CpuUtil).toBeGreaterThan(before.host.dom0CpuUtil);
      expect(f.host.dom0CpuUtil).toBeLessThan(1);
      const more =
        deviceWaitMs(f, 'disk') -
        deviceWaitMs(before, 'disk') +
        K.dom0StageMs *
          (sojourn(f.host.dom0CpuUtil, K.stageSlots) - sojourn(before.host.dom0CpuUtil, K.stageSlots));
      const moved = stagesMs(byId(f, 'nb-1')) - stagesMs(byId(before, 'nb-1'));
      expect(moved).toBeCloseTo(more, 9);
    }
  });

  it.each(alone)(
    '%s, %s: a drainer alone on the host reads no degradation from its own backlog',
    (_, device, mode) => {
      // A short overload and an SLO its drained requests still meet, with some to spare: the good
      // share of what it answers reads every stage's wait, as its throughput reads every stage's loss.
      const { before, draining } = run(mode, device, [web(device, 300)], 2);
      for (const f of draining) {
        const w = f.vps[0];
        expect(w.backlog).toBeGreaterThan(0);
        expect(device === 'disk' ? f.host.diskUtil : f.host.netUtil).toBeGreaterThan(
          (device === 'disk' ? before.host.diskUtil : before.host.netUtil) + 0.1,
        );
        expect(w.degradation).toBeLessThan(1e-9);
      }
    },
  );
});
