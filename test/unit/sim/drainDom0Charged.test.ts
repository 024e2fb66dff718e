/**
 * Backlogs draining through Dom0 with its work charged to the guests that cause it ([G06] SEDF-DC,
 * `dom0Charging`; model spec §5, para): every drained op still passes its backend on Dom0's vCPU, so
 * the services draining together share what Dom0 has spare (max-min), none takes more than its own
 * grant can pay for, and what they take is Dom0's work like any other.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario, VpsSpec } from '../../../shared/commands.js';
import { createEngine, DEFAULT_PARAMS as K } from '../../../server/sim/index.js';
import { KD, dom0DiskWork, drain as drainIn, steady, web } from './drainGuests.js';

/** Eight guests of 2 500 ops a second (0.1 core of Dom0's one apiece) beside the draining `webs`, Dom0 charging. */
const drain = (webs: string[], ticks: number) =>
  drainIn(
    { base: 'para', dom0Charging: true },
    webs,
    Array.from({ length: 8 }, (_, i) => steady(`db-${i + 1}`, 2500)),
    ticks,
  );

describe('backlogs draining through Dom0 with dom0Charging, para', () => {
  it("share Dom0's spare: together never more Dom0 CPU than it has, and it works for every op", () => {
    for (const f of drain(['web-1', 'web-2'], 5)) {
      const webs = f.vps.filter((v) => v.id.startsWith('web-'));
      for (const w of webs) {
        expect(w.backlog).toBeGreaterThan(0);
        expect(w.diskServedIops).toBeGreaterThan(1600 * (1 + 1e-6));
      }
      // The neighbours keep all theirs; the two drainers take alike, within Dom0's spare.
      for (const v of f.vps.filter((x) => x.id.startsWith('db-')))
        expect(v.diskServedIops).toBeCloseTo(2500, 6);
      expect(webs[0].diskServedIops).toBeCloseTo(webs[1].diskServedIops, 6);
      expect(dom0DiskWork(f)).toBeLessThanOrEqual(K.dom0Vcpus * (1 + 1e-9));
      // What they drained is Dom0's work, in its utilization.
      expect(f.host.dom0CpuUtil * K.dom0Vcpus).toBeCloseTo(dom0DiskWork(f), 9);
    }
  });

  it('hold each drainer to what its own grant can pay for: its requests and their Dom0 work within its share of the cores', () => {
    // Three CPU hogs and a web, four guests of equal weight on two cores: the web's grant is at most
    // half a core. Its backlog drains on a disk with room and through a Dom0 with a core to spare;
    // each request costs it its own CPU (its grant per request asked) and 50 disk ops in Dom0.
    const hog = (id: string): VpsSpec => ({
      id,
      vcpus: 2,
      ramGiB: 2,
      diskIops: 100,
      netMbps: 100,
      sensitivity: 0,
      load: { cpu: 1, mem: 0, disk: 0, net: 0 },
    });
    const s: Scenario = {
      name: 'a charged drain held to its grant',
      seed: 1,
      mode: { base: 'para', dom0Charging: true },
      host: { cores: 2, ramGiB: 64, diskIops: 100_000, netMbps: 10_000 },
      vps: [
        hog('h-1'),
        hog('h-2'),
        hog('h-3'),
        { ...web('web-1'), diskIops: 20_000, load: { cpu: 0.01, mem: 0, disk: 0.08, net: 0 } },
      ],
    };
    const e = createEngine(s);
    e.advance(10);
    e.apply({ type: 'setLoad', vps: 'web-1', load: { disk: 1 } });
    e.advance(30);
    e.apply({ type: 'setLoad', vps: 'web-1', load: { disk: 0.08 } });
    for (let t = 0; t < 3; t++) {
      const f = e.step();
      const w = f.vps.find((v) => v.id === 'web-1')!;
      expect(w.backlog).toBeGreaterThan(0);
      expect(w.throughputRps).toBeGreaterThan(w.demandRps * 1.5);
      const own = (w.cpuGranted / w.demandRps) * w.throughputRps;
      expect(own + w.diskServedIops * KD).toBeLessThanOrEqual((2 / 4) * (1 + 1e-9));
      expect(f.host.dom0CpuUtil * K.dom0Vcpus).toBeCloseTo(dom0DiskWork(f), 9);
    }
  });

  it('leave a drainer alone on the host as it would be alone: no degradation from its own backlog', () => {
    // Its two vCPUs, not a share of the cores, hold its grant; Dom0's spare is all its own.
    const s: Scenario = {
      name: 'a charged drain alone',
      seed: 1,
      mode: { base: 'para', dom0Charging: true },
      host: { cores: 16, ramGiB: 64, diskIops: 100_000, netMbps: 10_000 },
      vps: [web('web-1')],
    };
    const e = createEngine(s);
    e.advance(10);
    e.apply({ type: 'setLoad', vps: 'web-1', load: { disk: 4 } });
    e.advance(30);
    e.apply({ type: 'setLoad', vps: 'web-1', load: { disk: 0.2 } });
    for (let t = 0; t < 2; t++) {
      const w = e.step().vps[0];
      expect(w.backlog).toBeGreaterThan(0);
      expect(w.diskServedIops).toBeGreaterThan(4000);
      expect(w.degradation).toBeLessThan(1e-9);
    }
  });
});
