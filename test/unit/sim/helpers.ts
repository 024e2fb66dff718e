import type { Scenario, VpsSpec } from '../../../shared/commands.js';
import { createEngine, type ContentionEngine } from '../../../server/sim/index.js';
import type { Frame } from '../../../shared/model.js';

export function web(id: string, over: Partial<VpsSpec> = {}): VpsSpec {
  return {
    id,
    vcpus: 4,
    ramGiB: 8,
    diskIops: 5000,
    netMbps: 1000,
    role: 'web',
    load: { cpu: 0.3, mem: 0.5, disk: 0.2, net: 0.2 },
    ...over,
  };
}

export function scenario(over: Partial<Scenario> = {}): Scenario {
  return { name: 'test', seed: 7, mode: 'para', vps: [web('a'), web('b'), web('c'), web('d')], ...over };
}

export function run(engine: ContentionEngine, ticks: number): Frame[] {
  const out: Frame[] = [];
  for (let i = 0; i < ticks; i++) out.push(engine.step());
  return out;
}

export function make(s: Scenario, mode?: Scenario['mode']): ContentionEngine {
  return createEngine(s, mode ? { mode } : {});
}

export function vpsOf(f: Frame, id: string) {
  const v = f.vps.find((x) => x.id === id);
  if (!v) throw new Error(`no ${id} in frame`);
  return v;
}

/** Mean of one metric of one VPS over frames. */
export function mean(frames: Frame[], id: string, key: keyof ReturnType<typeof vpsOf>): number {
  return frames.reduce((a, f) => a + (vpsOf(f, id)[key] as number), 0) / frames.length;
}
