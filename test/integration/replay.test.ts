import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
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

    // And through the runner's CLI, as a user would: the same CSV as the lab's export.
    const file = path.join(t.dataDir, 'session.json');
    writeFileSync(file, exported.text);
    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'server/cli/sim.ts', file, '--format', 'csv'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(cli.status, cli.stderr).toBe(0);
    const csv = await http(`${t.url}/api/labs/sre/metrics.csv`);
    expect(cli.stdout).toBe(csv.text);
  });
});

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
