import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MAX_RUNNER_EVENTS,
  MAX_RUNNER_VPS,
  MAX_SCENARIO_EVENTS,
  MAX_SCENARIO_PARAMS,
  MAX_SCENARIO_VPS,
  type Scenario,
} from '../../shared/commands.js';
import {
  eventTick,
  listPresets,
  loadPreset,
  loadScenarioFile,
  parseScenarioJson,
  scenarioFromLog,
  validateScenario,
} from '../../server/scenario.js';

const base: Scenario = {
  name: 'two',
  seed: 3,
  mode: 'para',
  vps: [
    { id: 'web-1', vcpus: 2, ramGiB: 4, diskIops: 1000, netMbps: 100 },
    { id: 'db-1', vcpus: 2, ramGiB: 4, diskIops: 1000, netMbps: 100 },
  ],
};

describe('parseScenarioJson', () => {
  it('accepts a valid scenario', () => {
    const r = parseScenarioJson(JSON.stringify(base));
    expect(r.ok && r.data.vps.map((v) => v.id)).toEqual(['web-1', 'db-1']);
  });

  it('reads more VPSs for the headless runner than for the live server, naming vps either way', () => {
    const many = (n: number): Scenario => ({
      name: 'many',
      mode: 'para',
      host: { cores: 1024, ramGiB: 65_536, diskIops: 10_000_000, netMbps: 1_000_000 },
      vps: Array.from({ length: n }, (_, i) => ({
        id: `v-${i}`,
        vcpus: 1,
        ramGiB: 1,
        diskIops: 10,
        netMbps: 1,
      })),
    });
    const text = JSON.stringify(many(MAX_SCENARIO_VPS + 1));
    const live = parseScenarioJson(text);
    expect(live.ok).toBe(false);
    if (!live.ok) {
      expect(live.error.path).toBe('vps');
      expect(live.error.message).toContain(`at most ${MAX_SCENARIO_VPS} VPSs`);
    }
    const runner = parseScenarioJson(text, { runner: true });
    expect(runner.ok && runner.data.vps.length).toBe(MAX_SCENARIO_VPS + 1);
    // Past the runner's own cap: refused, naming the field (the array is not read further).
    const over = { ...many(1), vps: Array.from({ length: MAX_RUNNER_VPS + 1 }, () => ({})) };
    const r = parseScenarioJson(JSON.stringify(over), { runner: true });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.path).toBe('vps');
      expect(r.error.message).toContain(`at most ${MAX_RUNNER_VPS} VPSs`);
    }
  });

  it('refuses too many VPSs before reading them one by one, so a huge file is refused at once', () => {
    // The count is checked before each VPS's keys and fields: the first VPS's duplicate key is
    // never reached (a file of 10^6 VPSs used to be scanned and validated whole, about 20 s).
    const vps = Array.from({ length: MAX_RUNNER_VPS + 1 }, (_, i) => `{"id":"v-${i}","vcpus":1,"ramGiB":1}`);
    vps[0] = '{"id":"v-0","vcpus":1,"vcpus":2,"ramGiB":1}';
    const text = `{"name":"huge","mode":"para","vps":[${vps.join(',')}]}`;
    const r = parseScenarioJson(text, { runner: true });
    expect(!r.ok && [r.error.path, r.error.message]).toEqual([
      'vps',
      `vps: at most ${MAX_RUNNER_VPS} VPSs in a runner scenario`,
    ]);
    // Within the cap, the same duplicate key is what is refused.
    const fine = `{"name":"huge","mode":"para","vps":[${vps.slice(0, 10).join(',')}]}`;
    const d = parseScenarioJson(fine, { runner: true });
    expect(!d.ok && d.error.path).toBe('vps[0].vcpus');
  });

  it('caps the events and the parameter overrides, more events for the runner, naming the field', () => {
    const ev = { atTick: 0, type: 'setLoad', vps: 'web-1', load: { cpu: 0.5 } };
    const withEvents = (n: number) =>
      JSON.stringify({ ...base, events: Array.from({ length: n }, () => ev) });
    const live = parseScenarioJson(withEvents(MAX_SCENARIO_EVENTS + 1));
    expect(!live.ok && [live.error.path, live.error.message]).toEqual([
      'events',
      `events: at most ${MAX_SCENARIO_EVENTS} events (the headless runner reads up to ${MAX_RUNNER_EVENTS})`,
    ]);
    const runner = parseScenarioJson(withEvents(MAX_SCENARIO_EVENTS + 1), { runner: true });
    expect(runner.ok && runner.data.events?.length).toBe(MAX_SCENARIO_EVENTS + 1);
    // Past the runner's cap the list is refused as a whole, before its events are read.
    const over = parseScenarioJson(
      JSON.stringify({ ...base, events: Array.from({ length: MAX_RUNNER_EVENTS + 1 }, () => 0) }),
      { runner: true },
    );
    expect(!over.ok && [over.error.path, over.error.message]).toEqual([
      'events',
      `events: at most ${MAX_RUNNER_EVENTS} events in a runner scenario`,
    ]);
    const params = Object.fromEntries(
      Array.from({ length: MAX_SCENARIO_PARAMS + 1 }, (_, i) => [`p${i}`, 1]),
    );
    const p = parseScenarioJson(JSON.stringify({ ...base, params }), { runner: true });
    expect(!p.ok && [p.error.path, p.error.message]).toEqual([
      'params',
      `params: at most ${MAX_SCENARIO_PARAMS} parameters`,
    ]);
  });

  it('an admission refusal shows the amounts with the digits that tell them apart', () => {
    const refusal = (host: Scenario['host'], ramGiB: number[], cpuCapCores?: number) => {
      const r = validateScenario({
        ...base,
        mode: 'full',
        host,
        vps: ramGiB.map((ram, i) => ({
          id: `v${i}`,
          vcpus: 1,
          ramGiB: ram,
          diskIops: 10,
          netMbps: 10,
          cpuCapCores,
        })),
      });
      return r.ok ? 'admitted' : r.error.message;
    };
    expect(refusal({ cores: 4, ramGiB: 0.001 }, [0.002])).toBe(
      'vps[0]: RAM plans would total 0.002 GiB; full admits at most 0.001 GiB on this host',
    );
    expect(refusal({ cores: 4, ramGiB: 8 }, [4, 4.0001])).toBe(
      'vps[1]: RAM plans would total 8.0001 GiB; full admits at most 8 GiB on this host',
    );
    expect(refusal({ cores: 4, ramGiB: 4096 }, [4000, 100.456])).toBe(
      'vps[1]: RAM plans would total 4100.46 GiB; full admits at most 4096 GiB on this host',
    );
    expect(refusal({ cores: 1, ramGiB: 64 }, [1, 1], 0.5000001)).toMatch(
      /^vps\[1\]: CPU caps would total 1\.0000002 cores on a 1-core host/,
    );
  });

  it('reports the line and column of a syntax error', () => {
    const text = '{\n  "name": "x",\n  "seed": 1\n  "mode": "para"\n}';
    const r = parseScenarioJson(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'INVALID_JSON', line: 4, column: 3 });
    expect(r.error.message).toContain('line 4, column 3');
  });

  it('locates errors V8 reports without a position', () => {
    const r = parseScenarioJson('{\n "vps": [1,]\n}');
    expect(!r.ok && [r.error.line, r.error.column]).toEqual([2, 12]);
    const t = parseScenarioJson('{"name": tru}');
    expect(!t.ok && t.error.column).toBe(10);
    const e = parseScenarioJson('  ');
    expect(!e.ok && e.error.message).toContain('empty');
    const cut = parseScenarioJson('{"name": "x",\n');
    expect(!cut.ok && cut.error.line).toBe(2);
  });

  it('names the JSON path of a schema error', () => {
    const bad = { ...base, vps: [{ ...base.vps[0], vcpus: 0 }] };
    const r = validateScenario(bad);
    expect(!r.ok && r.error.path).toBe('vps[0].vcpus');
    const extra = validateScenario({ ...base, vps: [{ ...base.vps[0], color: 'red' }] });
    expect(!extra.ok && extra.error.message).toContain('color');
    const mode = validateScenario({ ...base, mode: 'xen' });
    expect(!mode.ok && mode.error.path).toBe('mode');
  });

  it('rejects an event naming a VPS that does not exist at that time', () => {
    const events = [
      { atS: 1, type: 'setLoad', vps: 'web-1', load: { cpu: 1 } },
      { atS: 2, type: 'removeVps', vps: 'db-1' },
      { atS: 3, type: 'startFault', vps: 'db-1', fault: 'cpu_hog' },
    ];
    const r = validateScenario({ ...base, events });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.path).toBe('events[2].vps');
    expect(!r.ok && r.error.message).toContain('db-1');
    const unknown = validateScenario({
      ...base,
      events: [events[0], events[0], { atS: 0, type: 'stopFault', vps: 'web-9', fault: 'cpu_hog' }],
    });
    expect(!unknown.ok && unknown.error.path).toBe('events[2].vps');
  });

  it('follows VPSs added by events, in the order events apply', () => {
    const added = { id: 'cache-1', vcpus: 1, ramGiB: 1, diskIops: 100, netMbps: 10 };
    const events = [
      { atS: 5, type: 'startFault', vps: 'cache-1', fault: 'cpu_hog' },
      { atTick: 10, type: 'addVps', vps: added },
    ];
    expect(validateScenario({ ...base, tickMs: 100, events }).ok).toBe(true);
    const early = validateScenario({ ...base, tickMs: 100, events: [{ ...events[0], atS: 0.5 }, events[1]] });
    expect(!early.ok && early.error.path).toBe('events[0].vps');
    const dup = validateScenario({
      ...base,
      events: [{ atS: 1, type: 'addVps', vps: { ...added, id: 'web-1' } }],
    });
    expect(!dup.ok && dup.error.path).toBe('events[0].vps.id');
  });
});

describe('files and presets', () => {
  it('names the missing file', async () => {
    const r = await loadScenarioFile('/nonexistent/x.json');
    expect(!r.ok && r.error).toMatchObject({ code: 'NOT_FOUND', path: '/nonexistent/x.json' });
  });

  it('prefixes errors with the file name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scn-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...base, vps: [{ ...base.vps[0], id: 'web 1' }] }));
    const r = await loadScenarioFile(file);
    expect(!r.ok && r.error.message.startsWith(`${file}: vps[0].id`)).toBe(true);
  });

  it('lists the bundled presets with their descriptions and loads them by id', async () => {
    const presets = await listPresets();
    const demo = presets.find((p) => p.id === 'demo');
    expect(demo?.description.length).toBeGreaterThan(20);
    expect(demo?.vpsCount).toBe(6);
    const r = await loadPreset('demo');
    expect(r.ok && r.data.name).toBe(demo?.name);
  });

  it('refuses unknown and path-like preset ids', async () => {
    for (const id of ['nope', '../package', 'demo.json', '']) {
      const r = await loadPreset(id);
      expect(!r.ok && r.error.code).toBe('NOT_FOUND');
    }
  });
});

describe('scenarioFromLog', () => {
  it('stamps each applied command with its tick and replaces scheduled events', () => {
    const s = scenarioFromLog(
      { ...base, tickMs: 50, events: [{ atS: 1, type: 'hostFault', fault: 'host_reboot' }] },
      [
        { tick: 0, command: { type: 'setLoad', vps: 'web-1', load: { cpu: 0.9 } } },
        { tick: 37, command: { type: 'startFault', vps: 'db-1', fault: 'io_storm', durationS: 2 } },
      ],
      { ticks: 120 },
    );
    expect(s.events).toEqual([
      { atTick: 0, type: 'setLoad', vps: 'web-1', load: { cpu: 0.9 } },
      { atTick: 37, type: 'startFault', vps: 'db-1', fault: 'io_storm', durationS: 2 },
    ]);
    expect(s.durationS).toBe(6);
    expect(validateScenario(s).ok).toBe(true);
    expect(eventTick(s.events![1], 50)).toBe(37);
    expect(eventTick({ atS: 1.26 }, 100)).toBe(13);
  });
});
