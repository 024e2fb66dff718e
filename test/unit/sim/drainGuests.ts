/**
 * What the Dom0 drain tests share: a web whose backlog drains through Dom0, a steady guest keeping
 * its disk ops going through Dom0, the run that makes the webs queue and drain, and what Dom0 works.
 */
import type { ModeSpec, Scenario, VpsSpec } from '../../../shared/commands.js';
import type { Frame } from '../../../shared/model.js';
import { createEngine, DEFAULT_PARAMS as K } from '../../../server/sim/index.js';

/** Dom0 CPU (cores) one disk op a second costs. */
export const KD = K.diskOpCpuS * K.dom0IoFactor;

export function web(id: string): VpsSpec {
  return {
    id,
    vcpus: 2,
    ramGiB: 2,
    diskIops: 8000,
    netMbps: 1000,
    sensitivity: 0,
    load: { cpu: 0.05, mem: 0, disk: 0.2, net: 0 },
  };
}

/** A guest whose disk work keeps `ops` a second going through Dom0, steadily. */
export function steady(id: string, ops: number): VpsSpec {
  return {
    id,
    vcpus: 1,
    ramGiB: 1,
    diskIops: ops,
    netMbps: 100,
    sensitivity: 0,
    load: { cpu: 0.05, mem: 0, disk: 1, net: 0 },
  };
}

/**
 * The webs `draining` queue a backlog (their disk asks four times their plan for 3 s, 32 000 ops a
 * second each, more than Dom0's one vCPU carries), then drain it beside `others`, asking their
 * 1 600 ops a second again, on a 16-core host in `mode`; the first `ticks` frames of the drain.
 */
export function drain(mode: ModeSpec, draining: string[], others: VpsSpec[], ticks: number): Frame[] {
  const s: Scenario = {
    name: 'drained backlog through Dom0',
    seed: 1,
    mode,
    host: { cores: 16, ramGiB: 64, diskIops: 100_000, netMbps: 10_000 },
    vps: [...others, ...draining.map(web)],
  };
  const e = createEngine(s);
  e.advance(10);
  for (const id of draining) e.apply({ type: 'setLoad', vps: id, load: { disk: 4 } });
  e.advance(30);
  for (const id of draining) e.apply({ type: 'setLoad', vps: id, load: { disk: 0.2 } });
  const out: Frame[] = [];
  for (let t = 0; t < ticks; t++) out.push(e.step());
  return out;
}

/** Dom0 CPU (cores) the disk ops served in the frame cost, summed over the guests. */
export function dom0DiskWork(f: Frame): number {
  return f.vps.reduce((sum, v) => sum + v.diskServedIops * KD, 0);
}
