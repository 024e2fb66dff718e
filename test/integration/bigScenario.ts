import type { Scenario } from '../../shared/commands.js';

/**
 * A lab of `n` VPSs with randomWalk demand and light disk and network load on a 128-core para host:
 * the big lab the history, stream and cluster tests and the Redis bench run (256 VPSs is the
 * per-lab limit). VPS i has 1 + (i mod `vcpuKinds`) vCPUs: one each by default.
 */
export function bigScenario(n: number, seed: number, vcpuKinds = 1): Scenario {
  return {
    name: 'big',
    seed,
    tickMs: 100,
    mode: 'para',
    host: { cores: 128, ramGiB: 2 * n + 64, diskIops: 200_000, netMbps: 20_000, memBwGBs: 200 },
    vps: Array.from({ length: n }, (_, i) => ({
      id: `vm-${i}`,
      vcpus: 1 + (i % vcpuKinds),
      ramGiB: 1,
      diskIops: 500,
      netMbps: 50,
      profile: 'randomWalk',
      load: { cpu: 0.5, mem: 0.5, disk: 0.1, net: 0.1 },
    })),
  };
}
