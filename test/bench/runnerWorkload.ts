/**
 * The runner bench's workload (perf.md): V VPSs of 1–4 vCPUs on one 64-core para host, each with
 * a randomWalk demand profile and light disk and network load, for a given number of simulated
 * seconds. The SimGrid peer (simgrid-peer.cpp) runs the same VM sizes and CPU demands.
 */
import type { Scenario } from '../../shared/commands.js';

/** The scenario for `v` VPSs over `durationS` simulated seconds (100 ms ticks). */
export function runnerScenario(v: number, durationS: number): Scenario {
  const vps: Scenario['vps'] = [];
  for (let i = 0; i < v; i++) {
    vps.push({
      id: `vm-${i}`,
      vcpus: 1 + (i % 4),
      ramGiB: 1,
      diskIops: 1000,
      netMbps: 100,
      profile: 'randomWalk',
      load: { cpu: 0.5, mem: 0.5, disk: 0.05, net: 0.05 },
    });
  }
  return {
    name: `runner bench ${v}`,
    seed: 7,
    tickMs: 100,
    durationS,
    mode: 'para',
    host: {
      cores: 64,
      ramGiB: Math.max(64, v * 2),
      diskIops: 100_000 + v * 100,
      netMbps: 10_000 + v * 10,
      memBwGBs: 100,
    },
    vps,
  };
}
