/**
 * A storm through Dom0 (para, model spec §5): the demo lab's batch-1 storms the disk on a host with
 * idle cores, and Dom0's one vCPU carries only part of it. The guest pays its own I/O CPU for what
 * Dom0 carries (the rest waits in its ring), so the storm does not fill the cores; what hurts the
 * neighbours is Dom0's busy backends, and that is where the blame lands: on batch-1, via Dom0, for
 * every neighbour doing I/O, as its largest edge, and nowhere before the storm or after it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../shared/commands.js';
import type { Frame } from '../../../shared/model.js';
import { createEngine, DEFAULT_PARAMS } from '../../../server/sim/index.js';

const demo = JSON.parse(
  readFileSync(new URL('../../../scenarios/demo.json', import.meta.url), 'utf8'),
) as Scenario;

const vps = (f: Frame, id: string) => f.vps.find((v) => v.id === id)!;
const onBatch = (f: Frame) => f.attribution.filter((a) => a.culprit === 'batch-1');

/**
 * The demo under para: 100 calm ticks, then batch-1 storms for `ticks`; beside it the same run
 * (same seed, same bursts) without the storm.
 */
function stormRun(ticks: number) {
  const e = createEngine({ ...demo, events: [] }, { mode: 'para' });
  const quiet = createEngine({ ...demo, events: [] }, { mode: 'para' });
  e.advance(100);
  quiet.advance(100);
  const calm = e.frame();
  expect(e.apply({ type: 'startFault', vps: 'batch-1', fault: 'io_storm' }).ok).toBe(true);
  const storm: Frame[] = [];
  const without: Frame[] = [];
  for (let t = 0; t < ticks; t++) {
    storm.push(e.step());
    without.push(quiet.step());
  }
  return { e, calm, storm, without };
}

describe('an io_storm through Dom0', () => {
  it("costs its guest CPU only for the I/O Dom0 carries, and the neighbours' scheduler wait little", () => {
    const { calm, storm, without } = stormRun(200);
    const last = storm[storm.length - 1];
    expect(last.host.dom0CpuUtil).toBeGreaterThan(0.99);
    // Dom0 holds the storm far below what the device could take.
    expect(last.host.diskUtil).toBeLessThan(0.5);
    const before = vps(calm, 'batch-1');
    const during = vps(last, 'batch-1');
    const ops = during.diskServedIops - before.diskServedIops;
    expect(ops).toBeGreaterThan(0);
    const ioCpu = ops * DEFAULT_PARAMS.diskOpCpuS * DEFAULT_PARAMS.ioCpuPara;
    expect(during.cpuGranted - before.cpuGranted).toBeLessThan(ioCpu * 1.1);
    const meanWait = (fs: Frame[], id: string) =>
      fs.reduce((a, f) => a + vps(f, id).schedWaitMs, 0) / fs.length;
    for (const v of last.vps)
      if (v.id !== 'batch-1') expect(meanWait(storm, v.id), v.id).toBeLessThan(meanWait(without, v.id) + 2);
  });

  it('is blamed on batch-1 via Dom0 for every neighbour doing I/O, its largest edge', () => {
    const { e, calm, storm } = stormRun(200);
    expect(onBatch(calm)).toEqual([]);
    for (const f of storm.slice(10)) {
      const users = f.vps.filter((v) => v.id !== 'batch-1' && v.diskServedIops > 0).map((v) => v.id);
      expect(users.length).toBe(5);
      const onDom0 = onBatch(f).filter((a) => a.resource === 'dom0');
      expect(onDom0.map((a) => a.victim).sort(), `tick ${f.tick}`).toEqual([...users].sort());
      for (const a of onDom0) {
        expect(a.share).toBeGreaterThan(0.5);
        const largest = Math.max(...f.attribution.filter((b) => b.victim === a.victim).map((b) => b.share));
        expect(a.share, `tick ${f.tick} ${a.victim}`).toBe(largest);
      }
    }
    expect(e.apply({ type: 'stopFault', vps: 'batch-1', fault: 'io_storm' }).ok).toBe(true);
    e.advance(600);
    expect(onBatch(e.frame())).toEqual([]);
  });
});
