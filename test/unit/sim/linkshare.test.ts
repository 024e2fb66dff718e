/**
 * A VPS's headroom on a max-min shared device is what max-min would give it if it asked for its
 * whole path while everyone else asks what they do (model spec §5: the device's capacity is split
 * max-min fairly; §7: ρ = demand ÷ what it could get), as its CPU headroom is (cpuheadroom.ts). It
 * read the level the others were cut to: beside a neighbour held at its plan, the level is what the
 * link leaves once the VPS's own traffic is out, more than the VPS could reach if it asked for it
 * (the neighbour would yield only down to an equal share). So the more the neighbour asked, the more
 * headroom the VPS read, and the fewer of its requests its share of the link refused.
 */
import { describe, expect, it } from 'vitest';
import type { ModeSpec, Scenario, VpsSpec } from '../../../shared/commands.js';
import { createEngine } from '../../../server/sim/index.js';

const vps = (id: string, net: number): VpsSpec => ({
  id,
  vcpus: 4,
  ramGiB: 4,
  diskIops: 1000,
  netMbps: 1000,
  role: 'web',
  load: { cpu: 0.1, mem: 0.2, disk: 0, net },
});

/** The web (450 of a 1 Gbit/s link) at tick 20, beside a sender asking `net` of its 1 Gbit/s plan. */
function web(mode: ModeSpec, net: number) {
  const s: Scenario = {
    name: 'link share',
    seed: 2,
    mode,
    host: { cores: 16, ramGiB: 64, diskIops: 100_000, netMbps: 1000 },
    vps: [vps('web', 0.45), vps('sender', net)],
  };
  const e = createEngine(s);
  e.advance(20);
  return e.step();
}

describe('headroom on a max-min shared link', () => {
  for (const mode of ['full', 'hosted'] as ModeSpec[])
    it(`${JSON.stringify(mode)}: a neighbour asking for more of the link never lets the web's share refuse fewer requests`, () => {
      // 0.55: the two wants fill the link exactly; 1: the sender asks its whole plan and is cut to
      // the 550 Mbit/s the web leaves. Either way the web could grow to an equal share, 500 Mbit/s.
      const fits = web(mode, 0.55),
        more = web(mode, 1);
      expect(fits.host.netUtil).toBeCloseTo(1, 9);
      expect(more.host.netUtil).toBeCloseTo(1, 9);
      const a = fits.vps[0],
        b = more.vps[0];
      expect(b.netServedMbps).toBeCloseTo(450, 6);
      expect(b.errorRate, 'errors').toBeGreaterThanOrEqual(a.errorRate * (1 - 1e-12));
      expect(b.throughputRps * b.goodFraction, 'good').toBeLessThanOrEqual(
        a.throughputRps * a.goodFraction * (1 + 1e-12),
      );
      // At 450 of the 500 it could reach, its share refuses (1 − ρ)ρ^16 / (1 − ρ^17) of them, ρ = 0.9.
      expect(b.errorRate).toBeGreaterThan(0.02);
    });
});
