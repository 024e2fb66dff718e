import { execFile, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../shared/model.js';
import type { Ack } from '../../shared/protocol.js';
import { createRun, validateScenario } from '../../server/scenario.js';
import {
  client,
  http,
  postCommand,
  removeDir,
  request,
  settle,
  startServer,
  type TestServer,
} from './helpers.js';

const execFileAsync = promisify(execFile);

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});
afterAll(async () => {
  await t.close();
  removeDir(t.dataDir);
});

describe('a recorded session is a scenario', () => {
  it('the exported session replays headless to the metrics the live lab produced', async () => {
    await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'sre', preset: 'demo' } });
    const lab = t.server.registry.get('sre')!;
    const s = await client(t.url);
    await request(s, 'join', { lab: 'sre' });
    const send = async (cmd: object) => {
      const r = await settle(t, request<Ack<{ tick: number }>>(s, 'command', { lab: 'sre', ...cmd }));
      expect(r.ok, JSON.stringify(r)).toBe(true);
    };
    t.advance(1500);
    await send({ type: 'startFault', vps: 'batch-1', fault: 'io_storm' });
    t.advance(2000);
    await send({ type: 'setLoad', vps: 'web-1', load: { cpu: 0.9, net: 0.6 } });
    t.advance(700);
    await send({ type: 'stopFault', vps: 'batch-1', fault: 'io_storm' });
    await send({ type: 'setMode', mode: 'container' });
    t.advance(3000);
    s.disconnect();
    lab.clock({ action: 'pause' }, 'test');
    // Every tick the lab computed, as its history keeps it.
    const live: Frame[] = lab.history.range(0, lab.tick).map(([f]) => f);
    expect(live.map((f) => f.tick)).toEqual(Array.from({ length: lab.tick }, (_, i) => i));

    // The file a download saves is the scenario itself.
    const exported = await http(`${t.url}/api/labs/sre/scenario?download`);
    expect(exported.status).toBe(200);
    const scenario = validateScenario(exported.body);
    expect(scenario.ok).toBe(true);
    if (!scenario.ok) return;
    expect(scenario.data.durationS! * 10).toBeCloseTo(lab.tick, 6);
    expect(scenario.data.events?.filter((e) => 'atTick' in e)).toHaveLength(4);

    const run = await createRun(scenario.data);
    expect(run.ok).toBe(true);
    if (!run.ok) return;
    const replayed = live.map(() => run.data.step());
    expect(replayed).toEqual(live);

    // And through the runner's CLI, as a user runs it (npm run sim): the same CSV as the lab's export.
    const file = path.join(t.dataDir, 'session.json');
    writeFileSync(file, exported.text);
    const cli = spawnSync(process.execPath, ['scripts/sim.mjs', file, '--format', 'csv'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(cli.status, cli.stderr).toBe(0);
    const csv = await http(`${t.url}/api/labs/sre/metrics.csv`);
    expect(cli.stdout).toBe(csv.text);
  });
});

/** The rows of a runner's compare CSV that its first run printed, by tick (`n` rows per run and tick). */
function firstRunRows(csv: string, n: number): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const line of csv.trimEnd().split('\n').slice(1)) {
    const tick = Number(line.split(',')[0]);
    const rows = out.get(tick) ?? [];
    rows.push(line);
    out.set(tick, rows);
  }
  for (const [tick, rows] of out) out.set(tick, rows.slice(0, n));
  return out;
}

describe('a compare fork’s recorded sides are scenarios too', () => {
  /** Each side's exported scenario, run headless, against the frames that side of the lab computed. */
  async function replaysEachSide(id: string): Promise<void> {
    const lab = t.server.registry.get(id)!;
    lab.clock({ action: 'pause' }, 'test');
    const pairs = lab.history.range(0, lab.tick);
    expect(pairs).toHaveLength(lab.tick);
    for (const side of [0, 1]) {
      const exported = await http(`${t.url}/api/labs/${id}/scenario?download${side ? '&side=1' : ''}`);
      expect(exported.status).toBe(200);
      const scenario = validateScenario(exported.body);
      expect(scenario.ok).toBe(true);
      if (!scenario.ok) return;
      const run = await createRun(scenario.data);
      expect(run.ok, JSON.stringify(run)).toBe(true);
      if (!run.ok) return;
      const live = pairs.map((p) => p[side]);
      const replayed = live.map(() => run.data.step());
      const first = replayed.findIndex((f, i) => JSON.stringify(f) !== JSON.stringify(live[i]));
      expect(first, `${id} side ${side}: first tick replayed otherwise`).toBe(-1);
    }
  }

  it('a lab switched to full, then compared with para from the page: both sides replay', async () => {
    await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'src', preset: 'demo' } });
    t.advance(1000);
    expect((await postCommand(t, 'src', { type: 'setMode', mode: 'full' })).ok).toBe(true);
    t.advance(1000);
    // What the page's Compare button does: fork the lab at its tick, its own mode on the left.
    const made = await http(`${t.url}/api/labs`, {
      method: 'POST',
      body: { id: 'src-cmp', from: 'src', compare: ['full', 'para'] },
    });
    expect(made.status, made.text).toBe(201);
    t.advance(500);
    expect(
      (await postCommand(t, 'src-cmp', { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' })).ok,
    ).toBe(true);
    t.advance(1000);
    await replaysEachSide('src-cmp');
  });

  it('a fork’s CSV names the mode each row ran under, as the runner prints each exported side', async () => {
    await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'sw', preset: 'demo' } });
    t.advance(1000);
    expect((await postCommand(t, 'sw', { type: 'setMode', mode: 'full' })).ok).toBe(true);
    t.advance(1000);
    const made = await http(`${t.url}/api/labs`, {
      method: 'POST',
      body: { id: 'sw-cmp', from: 'sw', compare: ['full', 'para'] },
    });
    expect(made.status, made.text).toBe(201);
    t.advance(1000);
    const lab = t.server.registry.get('sw-cmp')!;
    lab.clock({ action: 'pause' }, 'test');
    const n = lab.state().vps.length;

    // Each side's recorded session, and the runner's CSV of it (its first run is that side).
    const sides: Map<number, string[]>[] = [];
    const switches: { tick: number; mode: unknown }[][] = [];
    const heads: string[] = [];
    const csv = await http(`${t.url}/api/labs/sw-cmp/metrics.csv`);
    const exports = [
      await http(`${t.url}/api/labs/sw-cmp/scenario?download`),
      await http(`${t.url}/api/labs/sw-cmp/scenario?download&side=1`),
    ];
    for (const side of [0, 1]) {
      const exported = exports[side];
      const scenario = validateScenario(exported.body);
      if (!scenario.ok) throw new Error(scenario.error.message);
      expect(scenario.data.mode).toBe('para');
      switches.push(
        (scenario.data.events ?? []).flatMap((e) =>
          e.type === 'setMode' && 'atTick' in e ? [{ tick: e.atTick!, mode: e.mode }] : [],
        ),
      );
      const file = path.join(t.dataDir, `sw-cmp-${side}.json`);
      writeFileSync(file, exported.text);
      // Run without blocking this process: the server in it keeps answering (and closing) connections.
      const cli = await execFileAsync(
        process.execPath,
        ['scripts/sim.mjs', file, '--format', 'csv', '--compare', 'para,container'],
        { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 2 ** 20 },
      );
      sides.push(firstRunRows(cli.stdout, n));
      heads.push(cli.stdout.slice(0, cli.stdout.indexOf('\n')));
    }
    // The source switched to full, then the fork set each side's mode.
    expect(switches[0].map((s) => s.mode)).toEqual(['full', 'full']);
    expect(switches[1].map((s) => s.mode)).toEqual(['full', 'para']);
    const [switched, forked] = switches[1].map((s) => s.tick);
    expect(switches[0][1].tick).toBe(forked);
    expect(0 < switched && switched < forked && forked < lab.tick).toBe(true);

    const [head, ...lines] = csv.text.trimEnd().split('\n');
    expect(head.split(',')[2]).toBe('mode');
    expect(heads).toEqual([head, head]);
    const byTick = new Map<number, string[]>();
    for (const line of lines) {
      const tick = Number(line.split(',')[0]);
      byTick.set(tick, [...(byTick.get(tick) ?? []), line]);
    }
    const modesAt = (tick: number) => byTick.get(tick)!.map((l) => l.split(',')[2]);
    // Before the fork both sides are the source's past: one row per VPS, in the source's mode.
    expect(modesAt(0)).toEqual(Array(n).fill('para'));
    expect(modesAt(switched - 1)).toEqual(Array(n).fill('para'));
    expect(modesAt(switched)).toEqual(Array(n).fill('full'));
    expect(modesAt(forked - 1)).toEqual(Array(n).fill('full'));
    // From the fork on, each side's rows in its own mode.
    for (const tick of [forked, lab.tick - 1])
      expect(modesAt(tick)).toEqual([...Array(n).fill('full'), ...Array(n).fill('para')]);

    // Exactly the runner's rows: the shared past once (both sides ran it alike), then both sides.
    let expected = head + '\n';
    for (let tick = 0; tick < lab.tick; tick++) {
      if (tick < forked) expect(sides[1].get(tick)).toEqual(sides[0].get(tick));
      const rows = tick < forked ? sides[0].get(tick)! : [...sides[0].get(tick)!, ...sides[1].get(tick)!];
      expected += rows.map((r) => r + '\n').join('');
    }
    expect(csv.text).toBe(expected);
  });

  /** The runner's CSV of a compare lab's two downloaded sides, run side by side. */
  async function runnerCsvOfSides(id: string): Promise<string> {
    const files: string[] = [];
    for (const side of [0, 1]) {
      const exported = await http(`${t.url}/api/labs/${id}/scenario?download${side ? '&side=1' : ''}`);
      expect(exported.status).toBe(200);
      files.push(path.join(t.dataDir, `${id}-side-${side}.json`));
      writeFileSync(files[side], exported.text);
    }
    // Run without blocking this process: the server in it keeps answering (and closing) connections.
    const cli = await execFileAsync(process.execPath, ['scripts/sim.mjs', ...files, '--format', 'csv'], {
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 64 * 2 ** 20,
    });
    return cli.stdout;
  }

  it('the runner given both sides of a compare lab prints its CSV download, byte for byte', async () => {
    // A fork: its source switched mode before it, and a fault after it.
    await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'both', preset: 'demo' } });
    t.advance(800);
    expect((await postCommand(t, 'both', { type: 'setMode', mode: 'container' })).ok).toBe(true);
    t.advance(900);
    const made = await http(`${t.url}/api/labs`, {
      method: 'POST',
      body: { id: 'both-cmp', from: 'both', compare: ['container', 'full'] },
    });
    expect(made.status, made.text).toBe(201);
    t.advance(600);
    const fault = { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' };
    expect((await postCommand(t, 'both-cmp', fault)).ok).toBe(true);
    t.advance(700);
    const lab = t.server.registry.get('both-cmp')!;
    lab.clock({ action: 'pause' }, 'test');
    expect(lab.history.firstTick).toBe(0);
    const csv = await http(`${t.url}/api/labs/both-cmp/metrics.csv`);
    const n = lab.state().vps.length;
    const forked = t.server.registry.forkedAt(lab)!;
    expect(0 < forked && forked < lab.tick).toBe(true);
    // The shared past once, then both sides: fewer rows than two full runs.
    expect(csv.text.trimEnd().split('\n')).toHaveLength(1 + n * (forked + 2 * (lab.tick - forked)));
    expect((await runnerCsvOfSides('both-cmp')) === csv.text).toBe(true);

    // A compare lab made as one (no shared past): both sides from its first tick.
    await http(`${t.url}/api/labs`, {
      method: 'POST',
      body: { id: 'duo', preset: 'demo', compare: ['para', 'hosted'] },
    });
    t.advance(500);
    expect((await postCommand(t, 'duo', fault)).ok).toBe(true);
    t.advance(500);
    const duo = t.server.registry.get('duo')!;
    duo.clock({ action: 'pause' }, 'test');
    const duoCsv = await http(`${t.url}/api/labs/duo/metrics.csv`);
    expect(duoCsv.text.trimEnd().split('\n')).toHaveLength(1 + 2 * n * duo.tick);
    expect((await runnerCsvOfSides('duo')) === duoCsv.text).toBe(true);
  });

  it('a fork of a compare lab starts from that lab’s first mode: both sides replay', async () => {
    await http(`${t.url}/api/labs`, {
      method: 'POST',
      body: { id: 'pair', preset: 'demo', compare: ['container', 'full'] },
    });
    t.advance(1000);
    expect((await postCommand(t, 'pair', { type: 'startFault', vps: 'batch-1', fault: 'io_storm' })).ok).toBe(
      true,
    );
    t.advance(1000);
    const made = await http(`${t.url}/api/labs`, {
      method: 'POST',
      body: { id: 'pair-cmp', from: 'pair', compare: ['para', 'hosted'] },
    });
    expect(made.status, made.text).toBe(201);
    t.advance(1000);
    await replaysEachSide('pair-cmp');
    // The compare lab it was forked from replays too, each side in its own mode from the start.
    await replaysEachSide('pair');
  });
});
