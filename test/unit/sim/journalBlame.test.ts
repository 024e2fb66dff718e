/**
 * Who hurts whom through the shared kernel's journal (containers): a neighbour's io_storm makes
 * every durable write wait for its commit (and, with limits, for the storm's throttled ordered data),
 * so each VPS using the disk is hurt by the storm's VPS on the disk, with or without limits; a calm
 * lab, or one whose storm has stopped and drained, names nobody.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ModeSpec, Scenario } from '../../../shared/commands.js';
import { createEngine } from '../../../server/sim/index.js';

const demo = JSON.parse(
  readFileSync(new URL('../../../scenarios/demo.json', import.meta.url), 'utf8'),
) as Scenario;

const diskEdges = (e: ReturnType<typeof createEngine>) =>
  e.attribution().filter((a) => a.resource === 'disk');

describe.each<[string, ModeSpec]>([
  ['with limits', 'container'],
  ['without limits', { base: 'container', containerLimits: false }],
])('journal blame, containers %s', (_, mode) => {
  it("names the storm's VPS for every neighbour that uses the disk, and nobody before or after", () => {
    const e = createEngine({ ...demo, events: [] }, { mode });
    for (let t = 0; t < 100; t++) {
      e.advance(1);
      expect(diskEdges(e)).toEqual([]);
    }
    expect(e.apply({ type: 'startFault', vps: 'batch-1', fault: 'io_storm' }).ok).toBe(true);
    e.advance(100);
    const users = e
      .frame()
      .vps.filter((v) => v.id !== 'batch-1' && v.diskServedIops > 0)
      .map((v) => v.id);
    expect(users.length).toBeGreaterThan(2);
    const edges = diskEdges(e);
    expect(edges.map((a) => a.victim).sort()).toEqual([...users].sort());
    for (const a of edges) {
      expect(a.culprit).toBe('batch-1');
      expect(a.share).toBeGreaterThan(0.5);
    }
    expect(e.apply({ type: 'stopFault', vps: 'batch-1', fault: 'io_storm' }).ok).toBe(true);
    e.advance(600);
    expect(diskEdges(e)).toEqual([]);
  });
});

describe('journal blame beside a busy device (sre-incident, containers with limits)', () => {
  it("names the storm's VPS first for the web tier, whose wait is the journal's, though db-1 holds more of the disk", () => {
    const preset = JSON.parse(
      readFileSync(new URL('../../../scenarios/sre-incident.json', import.meta.url), 'utf8'),
    ) as Scenario;
    const e = createEngine(preset, { mode: 'container' });
    e.advance(310);
    let checked = 0;
    for (let t = 310; t < 740; t++) {
      const f = e.step();
      for (const id of ['web-1', 'web-2']) {
        const edges = f.attribution.filter((a) => a.victim === id && a.resource === 'disk');
        if (!edges.length) continue;
        checked++;
        const top = edges.reduce((a, b) => (b.share > a.share ? b : a));
        expect(top.culprit, `tick ${f.tick} ${id}: ${JSON.stringify(edges)}`).toBe('batch-1');
        expect(top.share).toBeGreaterThan(0.5);
      }
    }
    expect(checked).toBeGreaterThan(400);
  });
});
