/**
 * A full disk under DATA_DIR (a small tmpfs, mounted when this machine lets the test mount one):
 * the real server in a child process keeps running, says what could not be saved, leaves no
 * debris, and once the disk has room again its log holds every command the lab applied, so a
 * SIGKILL and a restart re-run the lab exactly (nothing is lost, the history comes back).
 */
import { readFileSync, readdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { http } from './helpers.js';
import { appliedLoads, fillDisk, smallTmpfs } from './disk.js';
import { listening, spawnServer, stop, type Child } from './child.js';

const disk = smallTmpfs('full-disk-');
const mountPoint = disk.dir;
const children: Child[] = [];
afterAll(async () => {
  for (const c of children) await stop(c, 'SIGKILL');
  disk.release();
});

const dataDir = path.join(mountPoint, 'data');
const filler = path.join(mountPoint, 'filler');
const start = () => {
  // At debug level the server logs each failed write after the first (info and above say it once).
  const c = spawnServer({
    DATA_DIR: dataDir,
    COMMAND_RATE: '1000',
    SNAPSHOT_EVERY_S: '1',
    LOG_LEVEL: 'debug',
  });
  children.push(c);
  return c;
};
const setLoad = (cpu: number) => ({ type: 'setLoad', vps: 'web-1', load: { cpu } });

/** Resolves once `p` has logged `text` at least `times` times (bounded by the test's timeout). */
async function logged(p: Child, text: string, times: number): Promise<void> {
  while (p.out().split(text).length - 1 < times) await new Promise((r) => setTimeout(r, 50));
}

/** Resolves once the demo lab's snapshot on disk is at `tick` or later. */
async function snapshotAt(tick: number): Promise<void> {
  const file = path.join(dataDir, 'labs', 'demo', 'snapshot.json');
  for (;;) {
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as { tick: number }).tick >= tick) return;
    } catch {
      /* not written yet, or being replaced */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!disk.mounted)('a full disk under DATA_DIR', () => {
  it('refuses what it cannot save with the reason, leaves no debris, and loses nothing once there is room', async () => {
    const first = start();
    const url = await listening(first);
    fillDisk(filler);

    // A new lab cannot be saved: refused with the reason, and its id is not left taken by an empty folder.
    const made = await http(`${url}/api/labs`, { method: 'POST', body: { id: 'newlab', preset: 'demo' } });
    expect(made.body.ok).toBe(false);
    expect(made.body.error.code).toBe('INTERNAL');
    expect(made.body.error.message).toMatch(/ENOSPC.*nothing was created/);
    expect(readdirSync(path.join(dataDir, 'labs'))).toEqual(['demo']);

    // A command applies in memory but its record cannot be written: the answer says both, in a
    // code of its own (not a bug's INTERNAL): applied at its tick, not saved, and what becomes of it.
    const refused = await http(`${url}/api/labs/demo/commands`, { method: 'POST', body: setLoad(0.777) });
    expect(refused.status).toBe(507);
    expect(refused.body.ok).toBe(false);
    expect(refused.body.error.code).toBe('NOT_SAVED');
    expect(refused.body.error.message).toMatch(
      /applied at tick \d+ .*could not be saved \(ENOSPC\).*lost if the server stops before/,
    );
    const appliedAt = Number(/tick (\d+)/.exec(refused.body.error.message)![1]);
    const live = await http(`${url}/api/labs/demo`);
    expect(live.body.data.vps.find((v: { id: string }) => v.id === 'web-1').load.cpu).toBe(0.777);
    expect(live.body.data.tick).toBeGreaterThanOrEqual(appliedAt);
    // A clock action the same way: it applied (the lab is paused) and says it is not saved.
    const paused = await http(`${url}/api/labs/demo/clock`, { method: 'POST', body: { action: 'pause' } });
    expect(paused.status).toBe(507);
    expect(paused.body.error).toMatchObject({ code: 'NOT_SAVED' });
    expect(paused.body.error.message).toMatch(/applied at tick \d+ .*could not be saved \(ENOSPC\)/);
    expect((await http(`${url}/api/labs/demo`)).body.data.paused).toBe(true);
    const resumed = await http(`${url}/api/labs/demo/clock`, { method: 'POST', body: { action: 'resume' } });
    expect(resumed.body.error?.code).toBe('NOT_SAVED');
    // Snapshots fall due meanwhile (every second) and fail too, leaving no temporary files.
    const failures = first.out().split('lab data still cannot be written').length - 1;
    await logged(first, 'lab data still cannot be written', failures + 2);
    expect(readdirSync(path.join(dataDir, 'labs', 'demo')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await http(`${url}/healthz`)).status).toBe(200);

    // Room again: the next command is saved, and the one that was not is saved before it.
    unlinkSync(filler);
    const again = await http(`${url}/api/labs/demo/commands`, { method: 'POST', body: setLoad(0.555) });
    expect(again.body.ok).toBe(true);
    await logged(first, 'lab data written again', 1);
    const created = await http(`${url}/api/labs`, { method: 'POST', body: { id: 'newlab', preset: 'demo' } });
    expect(created.status).toBe(201);
    // A snapshot taken after the freed disk (it holds every command so far), then a crash.
    await snapshotAt(again.body.data.tick);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = start();
    const url2 = await listening(second);
    expect(second.out()).toContain('"lab":"demo"');
    expect(second.out()).not.toContain('did not reproduce its snapshot');
    expect(await appliedLoads(url2)).toEqual([0.777, 0.555]);
    const state = await http(`${url2}/api/labs/demo`);
    expect(state.body.data.vps.find((v: { id: string }) => v.id === 'web-1').load.cpu).toBe(0.555);
    await stop(second);
  }, 120_000);
});
