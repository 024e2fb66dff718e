import { describe, expect, it } from 'vitest';
import { explain, explainWhy, mechanism, type ExplainInput } from '../../../client/src/lib/explain.js';
import { frame, hostMetrics, vpsMetrics } from './frames.js';
import { readFileSync } from 'node:fs';
import { createEngine } from '../../../server/sim/index.js';
import type { Scenario } from '../../../shared/commands.js';

const demo = JSON.parse(
  readFileSync(new URL('../../../scenarios/demo.json', import.meta.url), 'utf8'),
) as Scenario;

const host = { cores: 16, ramGiB: 64, diskIops: 100_000, netMbps: 10_000, memBwGBs: 100 };

function input(over: Partial<ExplainInput>): ExplainInput {
  const web = vpsMetrics('web-1');
  return { vps: web, frame: frame(10, [web]), faults: [], hostFaults: [], mode: 'para', host, ...over };
}

describe('explain', () => {
  it('names the culprit, its fault, its share of the host and the mechanism', () => {
    const web = vpsMetrics('web-1', { latencyP99Ms: 60, latencyP99IsolatedMs: 10, schedWaitMs: 45 });
    const batch = vpsMetrics('batch-1', { cpuGranted: 9.92 });
    const f = frame(10, [web, batch], {
      attribution: [{ victim: 'web-1', culprit: 'batch-1', resource: 'cpu', share: 0.9 }],
    });
    const line = explain(
      input({ vps: web, frame: f, faults: [{ vps: 'batch-1', fault: 'cpu_hog', sinceTick: 3 }] }),
    );
    expect(line).toBe(
      "web-1 p99 ×6: batch-1's cpu_hog holds 62 % of the host CPU under shared scheduling, 45.0 ms scheduler wait",
    );
  });

  it('says nothing about a VPS that is not suffering and whose p99 reads as if alone', () => {
    const web = vpsMetrics('web-1', { latencyP99Ms: 10.4, latencyP99IsolatedMs: 10, degradation: 0.002 });
    expect(explain(input({ vps: web }))).toBeNull();
  });

  it('names the culprit whenever the frame carries an edge to the VPS, however small the effect', () => {
    const web = vpsMetrics('web-1', { latencyP99Ms: 12, latencyP99IsolatedMs: 10, degradation: 0.002 });
    const batch = vpsMetrics('batch-1', { cpuGranted: 4 });
    const f = frame(10, [web, batch], {
      attribution: [{ victim: 'web-1', culprit: 'batch-1', resource: 'cpu', share: 0.4 }],
    });
    expect(
      explain(input({ vps: web, frame: f, faults: [{ vps: 'batch-1', fault: 'cpu_hog', sinceTick: 3 }] })),
    ).toBe("web-1 p99 ×1.2: batch-1's cpu_hog holds 25 % of the host CPU under shared scheduling");
    const other = frame(10, [web, batch], {
      attribution: [{ victim: 'batch-1', culprit: 'web-1', resource: 'cpu', share: 0.4 }],
    });
    // An edge to another VPS names no culprit here: its p99, named on its card, is its neighbours' together.
    expect(explain(input({ vps: web, frame: other }))).toBe(
      "web-1 p99 ×1.2: its neighbours' combined load on the shared host, no single neighbour to blame (none above its fair share)",
    );
  });

  it('reports lost good responses when the tail is not what moved', () => {
    const web = vpsMetrics('web-1', { degradation: 0.25, diskServedIops: 100 });
    const batch = vpsMetrics('batch-1', { diskServedIops: 80_000 });
    const f = frame(1, [web, batch], {
      attribution: [{ victim: 'web-1', culprit: 'batch-1', resource: 'disk', share: 1 }],
    });
    const line = explain(
      input({
        vps: web,
        frame: f,
        mode: 'container',
        faults: [{ vps: 'batch-1', fault: 'io_storm', sinceTick: 0 }],
      }),
    );
    expect(line).toBe(
      "web-1 loses 25 % of good responses: batch-1's io_storm holds 80 % of the disk in the shared kernel's disk queue",
    );
  });

  it("names a neighbour's io_storm and the disk wait it causes through the shared journal (containers)", () => {
    const engine = createEngine({ ...demo, events: [], mode: 'container' });
    engine.advance(50);
    expect(engine.apply({ type: 'startFault', vps: 'batch-1', fault: 'io_storm' }).ok).toBe(true);
    engine.advance(100);
    const f = engine.frame();
    const { faults, hostFaults, mode, host } = engine.state();
    const web = f.vps.find((v) => v.id === 'web-1')!;
    const line = explain({ vps: web, frame: f, faults, hostFaults, mode, host });
    // web-1 suffers (its p99 many times its own alone) behind the storm held at its io.max, which
    // takes a small share of the device: the line says what web-1 waits, not that share.
    expect(line).toMatch(
      /^web-1 p99 ×\d+: batch-1's io_storm keeps the disk waiting \(\d+ ms there\) in the shared kernel's disk queue$/,
    );
    // batch-1 itself is not told its neighbour's story.
    const batch = f.vps.find((v) => v.id === 'batch-1')!;
    expect(explain({ vps: batch, frame: f, faults, hostFaults, mode, host })).not.toMatch(/while/);
  });

  it("says a para neighbour's io_storm fills Dom0, not a share of the idle disk or the CPU", () => {
    const engine = createEngine({ ...demo, events: [] }, { mode: 'para' });
    engine.advance(50);
    expect(engine.apply({ type: 'startFault', vps: 'batch-1', fault: 'io_storm' }).ok).toBe(true);
    const { faults, hostFaults, mode, host } = engine.state();
    for (let t = 0; t < 100; t++) {
      const f = engine.step();
      if (t < 10) continue;
      for (const v of f.vps) {
        if (v.id === 'batch-1') continue;
        const line = explain({ vps: v, frame: f, faults, hostFaults, mode, host });
        expect(line, `tick ${f.tick}`).toMatch(
          new RegExp(
            `^${v.id} [^:]+: batch-1's io_storm keeps Dom0 100 % busy with its disk I/O: every guest's I/O waits in Dom0's backends \\(\\d+(\\.\\d+)? ms at the disk\\)( \\(\\d+ % of the shortfall; \\d+ more\\))?$`,
          ),
        );
      }
    }
  });

  it('does not call a loss against itself alone its own load: no neighbour above its share, all of them together', () => {
    // Under hosted, db-1 runs at its quota; its neighbours' small cache pressure, each under its fair
    // share, costs it a few percent of its good responses against itself alone.
    const engine = createEngine({ ...demo, events: [] }, { mode: 'hosted' });
    engine.advance(100);
    const f = engine.frame();
    const { faults, hostFaults, mode, host } = engine.state();
    const db = f.vps.find((v) => v.id === 'db-1')!;
    expect(db.degradation).toBeGreaterThan(0.01);
    expect(f.attribution.filter((a) => a.victim === 'db-1')).toEqual([]);
    expect(explain({ vps: db, frame: f, faults, hostFaults, mode, host })).toMatch(
      /^db-1 (p99 ×[\d.]+|loses [\d.]+ % of good responses): its neighbours' combined load on the shared host, no single neighbour to blame \(none above its fair share\)$/,
    );
  });

  it.each([
    {
      what: 'tells a guest silenced by its own storm that its own storm did it, not the neighbour it also waits for',
      started: ['io_storm'],
      line: 'batch-1 does not respond (DNR): its own io_storm',
    },
    {
      what: 'names every fault a guest runs at once when they, not a neighbour, silence it',
      started: ['cpu_hog', 'io_storm'],
      line: 'batch-1 does not respond (DNR): its own cpu_hog and io_storm',
    },
  ] as const)('$what', ({ started, line }) => {
    const engine = createEngine({ ...demo, events: [] }, { mode: 'para' });
    engine.advance(50);
    for (const fault of started)
      expect(engine.apply({ type: 'startFault', vps: 'batch-1', fault }).ok).toBe(true);
    const { faults, hostFaults, mode, host } = engine.state();
    let dnr = 0;
    for (let t = 0; t < 300; t++) {
      const f = engine.step();
      const batch = f.vps.find((v) => v.id === 'batch-1')!;
      if (batch.state !== 'dnr') continue;
      dnr++;
      expect(explain({ vps: batch, frame: f, faults, hostFaults, mode, host }), `tick ${f.tick}`).toBe(line);
    }
    expect(dnr).toBeGreaterThan(10);
  });

  it('says a guest is down from its own kernel_panic whatever it started before it', () => {
    const web = vpsMetrics('web-1', { state: 'rebooting', health: 0 });
    const line = explain(
      input({
        vps: web,
        faults: [
          { vps: 'web-1', fault: 'cpu_hog', sinceTick: 0 },
          { vps: 'web-1', fault: 'kernel_panic', sinceTick: 5, untilTick: 305 },
        ],
      }),
    );
    expect(line).toMatch(/^web-1 [^:]+: its kernel panicked; it reboots$/);
  });

  it("words a neighbour's cache_thrash once, and never a loss that rounds to nothing", () => {
    const engine = createEngine({ ...demo, events: [] }, { mode: 'full' });
    engine.advance(50);
    expect(engine.apply({ type: 'startFault', vps: 'batch-1', fault: 'cache_thrash' }).ok).toBe(true);
    const { faults, hostFaults, mode, host } = engine.state();
    let lines = 0;
    for (let t = 0; t < 100; t++) {
      const f = engine.step();
      for (const v of f.vps) {
        const line = explain({ vps: v, frame: f, faults, hostFaults, mode, host });
        if (!line) continue;
        lines++;
        expect(line, `tick ${f.tick}`).not.toMatch(/ 0\.00 %/);
        expect(line, `tick ${f.tick}`).not.toMatch(/the shared cache in the shared last-level cache/);
      }
    }
    expect(lines).toBeGreaterThan(100);
  });

  it('tells a container flooding the network that its own flood holds it back, not only its cap', () => {
    const engine = createEngine({ ...demo, events: [] }, { mode: 'container' });
    engine.advance(50);
    expect(engine.apply({ type: 'startFault', vps: 'batch-1', fault: 'net_flood' }).ok).toBe(true);
    const { faults, hostFaults, mode, host } = engine.state();
    let throttled = 0;
    for (let t = 0; t < 100; t++) {
      const f = engine.step();
      const batch = f.vps.find((v) => v.id === 'batch-1')!;
      const line = explain({ vps: batch, frame: f, faults, hostFaults, mode, host });
      if (batch.cpuThrottled >= 0.05 && line) {
        throttled++;
        expect(line, `tick ${f.tick}`).toMatch(/^batch-1 [^:]+: its own net_flood$/);
      }
    }
    expect(throttled).toBeGreaterThan(10);
  });

  it('blames the shared kernel when a container neighbour panics', () => {
    const web = vpsMetrics('web-1', { state: 'down', health: 0 });
    const line = explain(
      input({ vps: web, mode: 'container', faults: [{ vps: 'ci-1', fault: 'kernel_panic', sinceTick: 0 }] }),
    );
    expect(line).toBe("web-1 is down: ci-1's kernel_panic took the one shared kernel down");
  });

  it('blames Dom0 during a Dom0 crash', () => {
    const web = vpsMetrics('web-1', { state: 'dnr' });
    const line = explain(input({ vps: web, hostFaults: [{ fault: 'dom0_crash', sinceTick: 0 }] }));
    expect(line).toBe("web-1 does not respond (DNR): Dom0 crashed: every guest's I/O stopped");
  });

  it('separates an own cap from neighbours taking the CPU', () => {
    const capped = vpsMetrics('batch-1', { latencyP99Ms: 40, latencyP99IsolatedMs: 10, cpuThrottled: 0.4 });
    expect(
      explain(input({ vps: capped, mode: 'full', frame: frame(1, [capped], { host: hostMetrics() }) })),
    ).toBe('batch-1 p99 ×4: throttled 40 % of the time by its own CPU cap (fixed quota)');
    // A container's cap is its cpu.max, not a fixed quota.
    expect(
      explain(input({ vps: capped, mode: 'container', frame: frame(1, [capped], { host: hostMetrics() }) })),
    ).toBe('batch-1 p99 ×4: throttled 40 % of the time by its own CPU cap (cpu.max)');
    const robbed = vpsMetrics('web-1', { latencyP99Ms: 40, latencyP99IsolatedMs: 10, cpuSteal: 0.3 });
    expect(explain(input({ vps: robbed }))).toMatch(
      /^web-1 p99 ×4: 30 % CPU steal: neighbours took its CPU under shared scheduling/,
    );
  });
});

describe('explain, a VPS held back by its own quota', () => {
  it('names its own cap and its own cpu_hog, not "unaffected", where no neighbour hurts it (full)', () => {
    const e = createEngine(demo, { mode: 'full' });
    e.advance(20);
    expect(e.apply({ type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' }).ok).toBe(true);
    e.advance(30);
    const f = e.frame();
    const st = e.state();
    const of = (id: string): ExplainInput => ({
      vps: f.vps.find((v) => v.id === id)!,
      frame: f,
      faults: st.faults,
      hostFaults: st.hostFaults,
      mode: st.mode,
      host: st.host,
    });
    const batch = of('batch-1').vps;
    // Its quota holds it back, and nothing else: no neighbour takes anything from it.
    expect(batch.cpuThrottled).toBeGreaterThan(0.5);
    expect(f.attribution.filter((a) => a.victim === 'batch-1')).toEqual([]);
    expect(explain(of('batch-1'))).toBe(
      `batch-1 is held back by its own CPU cap (fixed quota), not by its neighbours: throttled ${Math.round(batch.cpuThrottled * 100)} % of the time while its own cpu_hog runs`,
    );
  });

  it('names its own cap where its own load alone holds it there, no fault running (full)', () => {
    const e = createEngine(demo, { mode: 'full' });
    e.advance(20);
    // 8 vCPUs asking 4 cores against a quota of 2.
    const load = { cpu: 0.5, mem: 0.5, disk: 0.05, net: 0.04 };
    expect(e.apply({ type: 'setLoad', vps: 'batch-1', load }).ok).toBe(true);
    e.advance(30);
    const f = e.frame();
    const st = e.state();
    const batch = f.vps.find((v) => v.id === 'batch-1')!;
    expect(batch.cpuThrottled).toBeGreaterThan(0.2);
    expect(st.faults).toEqual([]);
    expect(f.attribution.filter((a) => a.victim === 'batch-1')).toEqual([]);
    const line = explainWhy({
      vps: batch,
      frame: f,
      faults: st.faults,
      hostFaults: st.hostFaults,
      mode: st.mode,
      host: st.host,
    });
    // Its card says why, and who-hurts-whom counts no victim of a neighbour in it.
    expect(line).toEqual({
      text: `batch-1 is held back by its own CPU cap (fixed quota), not by its neighbours: throttled ${Math.round(batch.cpuThrottled * 100)} % of the time by its own load`,
      self: true,
    });
  });

  it('stays quiet about a VPS throttled below the threshold; a line blaming a neighbour is not its own', () => {
    const capped = vpsMetrics('batch-1', { cpuThrottled: 0.3 });
    expect(explain(input({ vps: capped, mode: 'container', frame: frame(1, [capped]) }))).toBe(
      'batch-1 is held back by its own CPU cap (cpu.max), not by its neighbours: throttled 30 % of the time by its own load',
    );
    const barely = vpsMetrics('batch-1', { cpuThrottled: 0.01 });
    const hog = [{ vps: 'batch-1', fault: 'cpu_hog' as const, sinceTick: 0 }];
    expect(explain(input({ vps: barely, mode: 'full', frame: frame(1, [barely]), faults: hog }))).toBeNull();
    expect(explain(input({ vps: barely, mode: 'full', frame: frame(1, [barely]) }))).toBeNull();
    expect(explain(input({ vps: capped, mode: 'container', frame: frame(1, [capped]), faults: hog }))).toBe(
      'batch-1 is held back by its own CPU cap (cpu.max), not by its neighbours: throttled 30 % of the time while its own cpu_hog runs',
    );
    const robbed = vpsMetrics('web-1', { latencyP99Ms: 40, latencyP99IsolatedMs: 10, cpuSteal: 0.3 });
    expect(explainWhy(input({ vps: robbed }))?.self).toBe(false);
  });
});

describe('mechanism', () => {
  it('depends on the mode', () => {
    expect(mechanism('disk', 'para')).toBe("through Dom0's shared disk queue");
    expect(mechanism('net', 'container')).toBe('on the shared NIC queue');
    expect(mechanism('cpu', 'full')).toBe('on the shared host');
    expect(mechanism('cpu', { base: 'full', cpuPolicy: 'share' })).toBe('under shared scheduling');
  });
});
