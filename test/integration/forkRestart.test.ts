/**
 * A compare lab forked from a running one, brought back after a restart with its history: its
 * start (what it was at the fork) is kept once when it is forked, and a restart re-runs it from
 * there to its snapshot, as it re-runs any other lab from its scenario. Before, a fork came back
 * from its snapshot alone: its charts were empty before the restart. Its charts before the fork
 * (its source's past) are re-run from its scenario and kept when they land on its start. A damaged
 * start is said, naming the file, and the fork comes back from its snapshot as before. Real app on port 0, real
 * DATA_DIR, manual clock.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { forked, FORK_TICK, seen } from './forkSteps.js';
import { http, removeDir, startServer } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const config = { snapshotEveryS: 5 };
const dataDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'fork-restart-'));
  dirs.push(d);
  return d;
};
const file = (d: string, name: string) => path.join(d, 'labs', 'cmp', name);

/** The server on `dir`, its log lines kept. */
async function restart(dir: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  const t = await startServer({ dataDir: dir, config, logger });
  return { t, lines };
}

describe('a compare lab forked from a running one, after a restart', () => {
  it('comes back with its history before its snapshot, as it was', async () => {
    const dir = dataDir();
    const a = await startServer({ dataDir: dir, config });
    await forked(a);
    const before = await seen(a);
    const lab = a.server.registry.get('cmp')!;
    const frames = lab.history.range(0, before.last);
    expect(frames[0][0].tick).toBe(0);
    await a.close();
    const snap = JSON.parse(readFileSync(file(dir, 'snapshot.json'), 'utf8')) as { tick: number };
    expect(snap.tick).toBeGreaterThan(FORK_TICK);

    const { t: b, lines } = await restart(dir);
    try {
      const back = b.server.registry.get('cmp')!;
      expect(back.history.firstTick).toBe(0);
      expect(back.history.range(0, before.last)).toEqual(frames);
      expect(await seen(b)).toEqual(before);
      expect(lines.filter((l) => l.lab === 'cmp' && (l.level as number) >= 40)).toEqual([]);
      const start = JSON.parse(readFileSync(file(dir, 'start.json'), 'utf8')) as { tick: number };
      expect(start.tick).toBe(FORK_TICK);
      // It goes on as it would have: the next ticks come after the restored ones.
      b.advance(1000);
      expect(back.history.lastTick).toBe(before.last + 10);
    } finally {
      await b.close();
    }
  });

  it('forked again, comes back with the past of both forks, as it was', async () => {
    const dir = dataDir();
    const a = await startServer({ dataDir: dir, config });
    await forked(a);
    const made = await http(`${a.url}/api/labs`, {
      method: 'POST',
      body: { id: 'again', from: 'cmp', compare: ['container', 'full'] },
    });
    expect(made.status, made.text).toBe(201);
    a.advance(7000);
    const lab = a.server.registry.get('again')!;
    const last = lab.history.lastTick!;
    const frames = lab.history.range(0, last);
    const state = lab.state();
    await a.close();

    const { t: b, lines } = await restart(dir);
    try {
      const back = b.server.registry.get('again')!;
      expect(back.history.range(0, last)).toEqual(frames);
      expect(back.history.firstTick).toBe(0);
      expect(back.state()).toEqual(state);
      expect(lines.filter((l) => (l.level as number) >= 40)).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it("keeps its charts from the fork on when its source's past does not re-run to its start", async () => {
    const dir = dataDir();
    const a = await startServer({ dataDir: dir, config });
    await forked(a);
    const lab = a.server.registry.get('cmp')!;
    const last = lab.history.lastTick!;
    const frames = lab.history.range(FORK_TICK, last);
    await a.close();
    // Another seed: the past re-run from the scenario is not the one the fork started from.
    const meta = JSON.parse(readFileSync(file(dir, 'meta.json'), 'utf8')) as { scenario: { seed?: number } };
    meta.scenario.seed = (meta.scenario.seed ?? 1) + 1;
    writeFileSync(file(dir, 'meta.json'), JSON.stringify(meta));

    const { t: b, lines } = await restart(dir);
    try {
      const back = b.server.registry.get('cmp')!;
      expect(back.history.firstTick).toBe(FORK_TICK);
      expect(back.history.range(0, last)).toEqual(frames);
      const said = lines.filter((l) => l.lab === 'cmp' && (l.level as number) === 40);
      expect(said.map((l) => [l.msg, l.tick])).toEqual([
        [
          expect.stringMatching(
            /^re-running the past a fork shares with its source did not land on its start/,
          ),
          FORK_TICK,
        ],
      ]);
    } finally {
      await b.close();
    }
  });

  it('with its start damaged, comes back from its snapshot, saying which file', async () => {
    const dir = dataDir();
    const a = await startServer({ dataDir: dir, config });
    await forked(a);
    const before = await seen(a);
    await a.close();
    writeFileSync(file(dir, 'start.json'), '{"tick": 20, "seq":');

    const { t: b, lines } = await restart(dir);
    try {
      const back = b.server.registry.get('cmp')!;
      expect(back.tick).toBe(before.last + 1);
      expect(back.state()).toEqual(before.state);
      expect(back.history.size).toBe(0);
      const said = lines.filter((l) => l.lab === 'cmp' && (l.level as number) === 40);
      expect(said.map((l) => l.note)).toEqual([
        expect.stringMatching(/^start\.json: not valid JSON .*snapshot only/),
      ]);
      // Said as what it is: the start is not used, and left where it is, not set aside.
      expect(said.map((l) => l.msg)).toEqual(['part of a saved lab not used']);
      // The other lab is back too, the start file kept as it was.
      expect(b.server.registry.get('src')).toBeDefined();
      expect(readFileSync(file(dir, 'start.json'), 'utf8')).toBe('{"tick": 20, "seq":');
    } finally {
      await b.close();
    }
  });

  it('with its start gone (saved before it was kept), comes back from its snapshot as before, said once', async () => {
    const dir = dataDir();
    const a = await startServer({ dataDir: dir, config });
    await forked(a);
    const before = await seen(a);
    await a.close();
    removeDir(file(dir, 'start.json'));

    const missing = (lines: Record<string, unknown>[]) =>
      lines.filter((l) => l.lab === 'cmp' && /start\.json is missing/.test(String(l.note))).length;
    const { t: b, lines } = await restart(dir);
    let after: unknown;
    try {
      expect(b.server.registry.get('cmp')!.state()).toEqual(before.state);
      expect(missing(lines)).toBe(1);
      after = b.server.registry.get('cmp')!.state();
    } finally {
      await b.close();
    }

    // Said once: the restarts after it bring the fork back the same way, without a word of it.
    const { t: c, lines: again } = await restart(dir);
    try {
      expect(c.server.registry.get('cmp')!.state()).toEqual(after);
      expect(missing(again)).toBe(0);
      expect(again.filter((l) => l.lab === 'cmp' && (l.level as number) >= 40)).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it('is deleted whole, its start with it', async () => {
    const dir = dataDir();
    const a = await startServer({ dataDir: dir, config });
    try {
      await forked(a);
      const del = await http(`${a.url}/api/labs/cmp`, { method: 'DELETE' });
      expect(del.status, del.text).toBe(200);
      expect(() => readFileSync(file(dir, 'start.json'))).toThrow(/ENOENT/);
    } finally {
      await a.close();
    }
  });
});
