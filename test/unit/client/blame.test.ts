import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Scenario } from '../../../shared/commands.js';
import type { Attribution, Frame } from '../../../shared/model.js';
import { Blame, kernelBlast } from '../../../client/src/lib/blame.js';
import { createEngine } from '../../../server/sim/index.js';

const edge = (
  victim: string,
  culprit: string,
  share: number,
  resource: Attribution['resource'] = 'cpu',
): Attribution => ({
  victim,
  culprit,
  resource,
  share,
});

describe('blame as shown', () => {
  it('never lists a VPS running a fault of its own as a victim', () => {
    const b = new Blame();
    b.update([edge('batch-1', 'web-1', 1), edge('web-1', 'batch-1', 0.6)], new Set(['batch-1']));
    const g = b.groups();
    expect(g.map((x) => x.culprit)).toEqual(['batch-1']);
    expect(g[0].victims.map((v) => v.victim)).toEqual(['web-1']);
  });

  it('groups victims under their culprit, strongest group first', () => {
    const b = new Blame();
    b.update(
      [edge('web-1', 'batch-1', 0.5), edge('db-1', 'batch-1', 0.4), edge('web-1', 'ci-1', 0.3)],
      new Set(),
    );
    expect(b.groups().map((g) => [g.culprit, g.victims.map((v) => v.victim)])).toEqual([
      ['batch-1', ['web-1', 'db-1']],
      ['ci-1', ['web-1']],
    ]);
  });

  it('does not flip when one tick names another culprit', () => {
    const b = new Blame();
    for (let i = 0; i < 20; i++) b.update([edge('web-1', 'batch-1', 0.8, 'disk')], new Set());
    b.update([edge('web-1', 'db-1', 0.9, 'dom0')], new Set());
    expect(b.groups()[0].culprit).toBe('batch-1');
    // A lasting change does win after a while.
    for (let i = 0; i < 30; i++) b.update([edge('web-1', 'db-1', 0.9, 'dom0')], new Set());
    expect(b.groups()[0].culprit).toBe('db-1');
    expect(b.groups().some((g) => g.culprit === 'batch-1')).toBe(false);
  });

  it("a mode switch restarts the smoothing: the old mode's culprit is gone at the first frame of the new one", () => {
    const b = new Blame();
    let tick = 0;
    for (; tick < 40; tick++) b.update([edge('web-1', 'batch-1', 0.6)], new Set(), { key: 'para', tick });
    // Still in para, a frame naming another culprit only nudges the average.
    const sameMode = new Blame();
    for (let t = 0; t < 40; t++)
      sameMode.update([edge('web-1', 'batch-1', 0.6)], new Set(), { key: 'para', tick: t });
    sameMode.update([edge('web-1', 'db-1', 0.3, 'disk')], new Set(), { key: 'para', tick: 40 });
    expect(sameMode.groups()[0].culprit).toBe('batch-1');
    // Under full, the first frame's blame is the whole story, at its own share.
    b.update([edge('web-1', 'db-1', 0.3, 'disk')], new Set(), { key: 'full', tick });
    const g = b.groups();
    expect(g.map((x) => [x.culprit, x.resource])).toEqual([['db-1', 'disk']]);
    expect(g[0].victims[0].share).toBeCloseTo(0.3, 12);
  });

  it('after a restart the average is the mean of the frames since, then the running average again', () => {
    const b = new Blame();
    b.update([edge('web-1', 'batch-1', 0.9)], new Set(), { key: 'para', tick: 0 });
    b.update([edge('web-1', 'batch-1', 0.5)], new Set(), { key: 'full', tick: 1 });
    b.update([edge('web-1', 'batch-1', 0.3)], new Set(), { key: 'full', tick: 2 });
    expect(b.groups()[0].victims[0].share).toBeCloseTo(0.4, 12);
    // Long after the restart, one frame moves the average by ALPHA of the difference only.
    for (let t = 3; t < 60; t++)
      b.update([edge('web-1', 'batch-1', 0.4)], new Set(), { key: 'full', tick: t });
    b.update([edge('web-1', 'batch-1', 1)], new Set(), { key: 'full', tick: 60 });
    expect(b.groups()[0].victims[0].share).toBeLessThan(0.6);
  });

  it('a reset (the tick going back) and a VPS leaving restart it too; the same frame twice counts once', () => {
    const b = new Blame();
    for (let t = 100; t < 140; t++)
      b.update([edge('web-1', 'batch-1', 0.7)], new Set(), { key: 'para|web-1,batch-1', tick: t });
    b.update([edge('web-1', 'ci-1', 0.2)], new Set(), { key: 'para|web-1,batch-1', tick: 3 });
    expect(b.groups().map((g) => g.culprit)).toEqual(['ci-1']);
    b.update([edge('web-1', 'ci-1', 0.2)], new Set(), { key: 'para|web-1,batch-1', tick: 3 });
    b.update([edge('web-1', 'ci-1', 0.6)], new Set(), { key: 'para|web-1,batch-1', tick: 4 });
    expect(b.groups()[0].victims[0].share).toBeCloseTo(0.4, 12);
    // batch-1 removed: nothing it was blamed for stays on the list.
    for (let t = 5; t < 40; t++)
      b.update([edge('web-1', 'batch-1', 0.7)], new Set(), { key: 'para|web-1,batch-1', tick: t });
    b.update([], new Set(), { key: 'para|web-1', tick: 40 });
    expect(b.groups()).toEqual([]);
  });
});

describe('blame as shown, when the shared kernel goes down', () => {
  it("names every neighbour as down because of the panicking container, whole from the panic's first frame until the kernel is back", () => {
    const demo = JSON.parse(
      readFileSync(new URL('../../../scenarios/demo.json', import.meta.url), 'utf8'),
    ) as Scenario;
    const e = createEngine({ ...demo, events: [] }, { mode: 'container' });
    const b = new Blame();
    const show = (f: Frame) => {
      const faults = new Set(e.state().faults.map((x) => x.vps));
      b.update(f.attribution, faults, { key: 'container', tick: f.tick });
      return b.groups();
    };
    // Long enough for the smoothing to run at its running average.
    for (let t = 0; t < 200; t++) show(e.step());
    expect(e.apply({ type: 'startFault', vps: 'mail-1', fault: 'kernel_panic' }).ok).toBe(true);
    let down = 0;
    let after = 0;
    for (let t = 0; t < 600; t++) {
      const f = e.step();
      const g = show(f);
      const out = f.vps.filter((v) => v.id !== 'mail-1' && (v.state === 'down' || v.state === 'rebooting'));
      const onKernel = g.filter((x) => x.resource === 'kernel');
      if (f.attribution.some((a) => a.resource === 'kernel')) {
        down++;
        expect(out.length, `tick ${f.tick}`).toBe(5);
        expect(onKernel.map((x) => x.culprit)).toEqual(['mail-1']);
        expect(g[0]).toBe(onKernel[0]);
        expect(onKernel[0].victims.map((v) => [v.victim, v.share]).sort()).toEqual(
          out.map((v) => [v.id, 1]).sort(),
        );
      } else if (down > 0) {
        after++;
        expect(onKernel, `tick ${f.tick}`).toEqual([]);
      }
    }
    expect(down).toBeGreaterThan(100);
    expect(after).toBeGreaterThan(0);
  });
});

describe("a shared kernel's blast radius, in words", () => {
  // The panel's word for the victims' state beside the state each victim's card shows.
  const CARD: Record<string, string> = { down: 'down', rebooting: 'down', dnr: 'DNR' };
  it.each([
    ['kernel_panic', 'takes down', 'down'],
    ['fork_bomb', 'hangs', 'DNR'],
  ] as const)('%s: the panel says what every victim is, as its card does', (fault, verb, state) => {
    const demo = JSON.parse(
      readFileSync(new URL('../../../scenarios/demo.json', import.meta.url), 'utf8'),
    ) as Scenario;
    const e = createEngine({ ...demo, events: [] }, { mode: { base: 'container', containerLimits: false } });
    for (let t = 0; t < 20; t++) e.step();
    expect(e.apply({ type: 'startFault', vps: 'mail-1', fault }).ok).toBe(true);
    let seen = 0;
    for (let t = 0; t < 100; t++) {
      const f = e.step();
      const victims = new Set(f.attribution.filter((a) => a.resource === 'kernel').map((a) => a.victim));
      if (!victims.size) continue;
      const blast = kernelBlast('mail-1', e.state().faults);
      expect([blast.verb, blast.state]).toEqual([verb, state]);
      for (const v of f.vps.filter((x) => victims.has(x.id))) {
        expect(CARD[v.state], `tick ${f.tick} ${v.id} ${v.state}`).toBe(blast.state);
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(100);
  });
});
