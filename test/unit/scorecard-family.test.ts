import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { toTables } from '../../client/src/lib/scorecard.js';
import { parseScorecardArgs } from '../../server/scorecard/args.js';
import type { ScorecardJson } from '../../shared/scorecard.js';
import { hostFamily, NAMED_HOSTS } from '../../server/scorecard/family.js';
import { formatRobustness, runRobustness } from '../../server/scorecard/robustness.js';
import { formatSensitivity, runSensitivity, variedValue } from '../../server/scorecard/sensitivity.js';
import { paramOverridesSupported } from '../../server/scorecard/params.js';
import { SMALL_HOST } from '../../server/scorecard/setup.js';

describe('scorecard host family', () => {
  it('draws the same family from the same seed, led by the named hosts, within the family’s ranges', () => {
    const a = hostFamily(60, 7);
    expect(hostFamily(60, 7)).toEqual(a);
    expect(hostFamily(60, 8)).not.toEqual(a);
    expect(a).toHaveLength(60);
    expect(a.slice(0, 3)).toEqual(NAMED_HOSTS);
    for (const h of a) {
      expect(h.host.cores).toBeGreaterThanOrEqual(1);
      expect(h.host.cores).toBeLessThanOrEqual(64);
      expect(h.guests).toBeGreaterThanOrEqual(2);
      expect(h.guests).toBeLessThanOrEqual(16);
      expect(h.host.netMbps).toBeGreaterThanOrEqual(1000);
      expect(h.host.netMbps).toBeLessThanOrEqual(25_000);
      const oversell = (h.vcpus * h.guests) / h.host.cores;
      expect(oversell).toBeGreaterThanOrEqual(0.5);
      expect(oversell).toBeLessThanOrEqual(2);
      expect(h.load.cpu).toBeGreaterThanOrEqual(0.1);
      expect(h.load.cpu).toBeLessThanOrEqual(0.6);
      expect(new Set(a.map((x) => x.id)).size).toBe(60);
    }
    const disks = new Set(
      a.map((h) => (h.host.diskIops < 1000 ? 'HDD' : h.host.diskIops < 200_000 ? 'SSD' : 'NVMe')),
    );
    expect([...disks].sort()).toEqual(['HDD', 'NVMe', 'SSD']);
  });

  it('counts every demanded cell of a seeded subset once, and lists each one out of category', () => {
    const hosts = hostFamily(5, 3);
    const r = runRobustness(hosts);
    const cells = Object.values(r.shares);
    expect(r.overall.demanded).toBe(cells.reduce((a, s) => a + s.demanded, 0));
    // 26 guest-stress cells + 2 host faults per host.
    expect(r.overall.demanded).toBe(32 * hosts.length);
    expect(r.failures).toHaveLength(r.overall.demanded - r.overall.inCategory);
    // A failing cell is out of its categories, or in them without the p99 rise it must show.
    for (const f of r.failures)
      expect(!f.expected.includes(f.got) || f.p99Up, `${f.host} ${f.column} ${f.stress}`).toBe(true);
    expect(formatRobustness(r)).toContain(`target 98 %`);
  }, 300_000);
});

describe('scorecard sensitivity', () => {
  it('varies a parameter through the scenario, or says the engine cannot; every verdict it flips carries its reason', () => {
    // ×0.5 and ×2 within each parameter's range, whole where it must be.
    expect(variedValue('stageSlots', 0.5)).toBe(8);
    expect(variedValue('dom0Vcpus', 0.5)).toBe(1);
    expect(variedValue('leakPlanPerS', 2)).toBe(0.5);
    expect(variedValue('eCpuFull', 2)).toBe(1);
    expect(() => runSensitivity([SMALL_HOST], { params: ['noSuchParam'] })).toThrow(/noSuchParam/);
    const r = runSensitivity([SMALL_HOST], {
      params: ['clientTimeoutMs'],
      timing: { warmupS: 10, windowS: 60 },
    });
    expect(r.supported).toBe(paramOverridesSupported());
    if (!r.supported) expect(formatSensitivity(r)).toMatch(/does not read a scenario's "params"/);
    for (const f of r.flips.filter((x) => x.matchedBefore !== x.matchedAfter))
      expect(f.why, `${f.host} ${f.column} ${f.stress}`).toBeTruthy();
    expect(r.unexplained).toBe(0);
  }, 300_000);
});

describe('scorecard command line', () => {
  it('parses the tasks and rejects a bad flag naming it', () => {
    expect(parseScorecardArgs([])).toEqual({
      ok: true,
      data: { task: 'tables', json: false, markdown: false, hosts: 60, seed: 1 },
    });
    const r = parseScorecardArgs(['--robustness', '--hosts', '12', '--seed', '5', '--json']);
    expect(r.ok && r.data).toMatchObject({ task: 'robustness', hosts: 12, seed: 5, json: true });
    for (const [argv, flag] of [
      [['--bogus'], '--bogus'],
      [['--host', 'mars'], '--host'],
      [['--host'], '--host'],
      [['--robustness', '--hosts', 'x'], '--hosts'],
      [['--robustness', '--hosts', '2'], '--hosts'],
      [['--robustness', '--seed', '-1'], '--seed'],
      [['--hosts', '5'], '--hosts'],
      [['--seed', '5'], '--seed'],
      [['--params', 'a'], '--params'],
      [['--robustness', '--sensitivity'], '--sensitivity'],
      [['--json', '--markdown'], '--markdown'],
    ] as const) {
      const p = parseScorecardArgs([...argv]);
      expect(p.ok, argv.join(' ')).toBe(false);
      if (!p.ok) {
        expect(p.error.flag).toBe(flag);
        expect(p.error.message.startsWith(flag)).toBe(true);
      }
    }
  });

  it('exits 2 on a bad flag, naming it, before running anything', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/scorecard.ts', '--robustnes'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--robustnes: unknown flag');
    expect(r.stdout).toBe('');
  }, 120_000);

  it('prints the array of tables (ScorecardJson) as JSON the dashboard reads', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'server/cli/scorecard.ts', '--host', 'paper', '--json'],
      { encoding: 'utf8', timeout: 240_000 },
    );
    expect(r.stderr).toBe('');
    const tables: ScorecardJson = JSON.parse(r.stdout);
    expect(Array.isArray(tables)).toBe(true);
    const data = { tables };
    expect(data.tables.map((t) => t.host.id)).toEqual(['paper']);
    expect(r.status).toBe(data.tables[0].summary.inCategory === data.tables[0].summary.demanded ? 0 : 1);
    // The dashboard's reading of it counts the same cells.
    const [t] = toTables(data);
    expect(t.total).toBe(data.tables[0].summary.demanded);
    expect(t.matched).toBe(data.tables[0].summary.inCategory);
    expect(t.cells.get('io_storm\u0000para')!.published).toEqual([1.67, 11.53]);
    // The receive row has its label; a cell the engine could not run shows no figures and names the mechanism.
    expect(t.rows.find((r) => r.id === 'net_receive')?.label).toBe('network, server receives');
    const rx = data.tables[0].cells.find((c) => c.stress === 'net_receive' && c.column === 'para')!;
    const drawn = t.cells.get('net_receive\u0000para')!;
    expect(drawn.good.pct === null).toBe(!!rx.notRun);
    expect(drawn.missingMechanism).toBe(rx.missingMechanism ?? null);
  }, 300_000);
});
