/**
 * The inbound flood ("network, server receives", `net_flood` with `direction: "rx"`): it arrives on
 * the receive side of the link, so it takes nothing from anyone's transmit side; its receive
 * processing costs CPU where the mode does it: a shared kernel's softirq off the top of every
 * container's cores, Dom0's backend for its guest under para, the guest's own kernel in a VM,
 * where the receiver yields to the guest's service (it reads no faster than the CPU left allows).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../../shared/commands.js';
import type { ModeId } from '../../../shared/model.js';
import { createEngine } from '../../../server/sim/index.js';
import { scenario, web, run, mean } from './helpers.js';

const host = { cores: 2, ramGiB: 32, diskIops: 50_000, netMbps: 1000 };

function frames(mode: ModeId, cpu: number, cmd?: Command) {
  const e = createEngine(
    scenario({
      mode,
      host,
      vps: [
        web('a', {
          vcpus: 2,
          cpuCapCores: 1,
          ramGiB: 8,
          netMbps: 500,
          load: { cpu, mem: 0.3, disk: 0.05, net: 0.05 },
        }),
        web('b', {
          vcpus: 2,
          cpuCapCores: 1,
          ramGiB: 8,
          netMbps: 500,
          load: { cpu, mem: 0.3, disk: 0.05, net: 0.05 },
        }),
      ],
      events: cmd ? [{ atS: 0, ...cmd }] : [],
    }),
  );
  return run(e, 20).slice(10);
}

const rx: Command = { type: 'startFault', vps: 'b', fault: 'net_flood', direction: 'rx' };
const tx: Command = { type: 'startFault', vps: 'b', fault: 'net_flood' };

describe('inbound flood', () => {
  it('takes nothing from the transmit side: the link carries what the guests send, not the flood aimed at one of them', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<ModeId>('full', 'hosted', 'para', 'container'),
        fc.double({ min: 0.02, max: 0.3, noNaN: true }),
        (mode, cpu) => {
          const quiet = frames(mode, cpu);
          const flooded = frames(mode, cpu, rx);
          const sent = frames(mode, cpu, tx);
          for (let k = 0; k < flooded.length; k++) {
            const f = flooded[k];
            expect(f.host.netUtil).toBeLessThanOrEqual(quiet[k].host.netUtil + 1e-9);
            for (const v of f.vps)
              expect(v.netServedMbps).toBeLessThanOrEqual(v.netDemandMbps * (1 + 1e-9) + 1e-9);
          }
          // The same flood sent by b fills the link.
          expect(mean(sent, 'b', 'netServedMbps')).toBeGreaterThan(mean(flooded, 'b', 'netServedMbps') * 5);
        },
      ),
      { seed: 11, numRuns: 12 },
    );
  });

  it('costs CPU where the mode receives: softirq off every container, Dom0 for its guest, the guest itself in a VM', () => {
    const cpu = 0.1;
    const quiet = (m: ModeId) => frames(m, cpu);
    const flooded = (m: ModeId) => frames(m, cpu, rx);
    const last = <T>(a: T[]) => a[a.length - 1];
    // A shared kernel: the host OS (the one kernel) works, charged to no container.
    expect(last(flooded('container')).host.hostOsCpuUtil).toBeGreaterThan(0.1);
    expect(last(quiet('container')).host.hostOsCpuUtil).toBe(0);
    // Para: Dom0's backend takes it in for b.
    expect(last(flooded('para')).host.dom0CpuUtil).toBeGreaterThan(
      last(quiet('para')).host.dom0CpuUtil + 0.1,
    );
    // Full virtualization: b's own vCPUs receive; a's grant does not change.
    expect(mean(flooded('full'), 'b', 'cpuGranted')).toBeGreaterThan(
      mean(quiet('full'), 'b', 'cpuGranted') + 0.1,
    );
    expect(mean(flooded('full'), 'a', 'cpuGranted')).toBeCloseTo(mean(quiet('full'), 'a', 'cpuGranted'), 9);
  });

  it('in a VM, the flooded guest keeps serving: its receiver yields to its service', () => {
    for (const mode of ['full', 'hosted', 'para'] as const) {
      const good = (fs: ReturnType<typeof frames>) =>
        fs.reduce((s, f) => s + f.vps[1].throughputRps * f.vps[1].goodFraction, 0);
      expect(good(frames(mode, 0.1, rx)), mode).toBeGreaterThan(0.95 * good(frames(mode, 0.1)));
    }
  });
});
