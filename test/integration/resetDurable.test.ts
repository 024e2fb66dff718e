/**
 * A reset is saved all or nothing: the real server in a child process, SIGKILLed right after a
 * reset's acknowledgement, comes back with the lab at its start; a reset on a full disk (a small
 * tmpfs, when this machine lets the test mount one) is refused naming the reason, and the lab, its
 * running state and its saved history are as they were, also after a restart.
 */
import { closeSync, openSync, readdirSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { http } from './helpers.js';
import { appliedLoads, smallTmpfs } from './disk.js';
import { childServers, listening, spawnServer, stop, type Child } from './child.js';

const { dataDir: newDataDir, start } = childServers('reset');

const setLoad = (cpu: number) => ({ type: 'setLoad', vps: 'web-1', load: { cpu } });

const webLoad = async (url: string): Promise<number> =>
  (await http(`${url}/api/labs/demo`)).body.data.vps.find((v: { id: string }) => v.id === 'web-1').load.cpu;

describe('a reset survives a crash', () => {
  it('SIGKILLed right after the acknowledgement, the restarted server has the lab at its start', async () => {
    const dataDir = newDataDir();
    const first = start(dataDir);
    const url = await listening(first);
    const startLoad = await webLoad(url);
    for (const cpu of [0.777, 0.555])
      expect(
        (await http(`${url}/api/labs/demo/commands`, { method: 'POST', body: setLoad(cpu) })).body.ok,
      ).toBe(true);
    const r = await http(`${url}/api/labs/demo/reset`, { method: 'POST' });
    first.child.kill('SIGKILL');
    expect(r.status).toBe(200);
    await first.exited;

    const second = start(dataDir);
    const url2 = await listening(second);
    expect(await appliedLoads(url2)).toEqual([]);
    expect(await webLoad(url2)).toBe(startLoad);
    expect(readdirSync(path.join(dataDir, 'labs'))).toEqual(['demo']);
    await stop(second);
  }, 90_000);
});

const disk = smallTmpfs('reset-full-');
const mountPoint = disk.dir;
const children: Child[] = [];
afterAll(async () => {
  for (const c of children) await stop(c, 'SIGKILL');
  disk.release();
});

describe.skipIf(!disk.mounted)('a reset on a full disk', () => {
  const dataDir = path.join(mountPoint, 'data');
  const filler = path.join(mountPoint, 'filler');
  const startFull = () => {
    const c = spawnServer({ DATA_DIR: dataDir, COMMAND_RATE: '1000' });
    children.push(c);
    return c;
  };

  it('is refused with the reason, and the lab and its saved history stay as they were', async () => {
    const first = startFull();
    const url = await listening(first);
    expect(
      (await http(`${url}/api/labs/demo/commands`, { method: 'POST', body: setLoad(0.777) })).body.ok,
    ).toBe(true);
    const before = (await http(`${url}/api/labs/demo`)).body.data.tick as number;
    const fd = openSync(filler, 'w');
    try {
      for (;;) writeSync(fd, Buffer.alloc(64 * 1024, 1));
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      closeSync(fd);
    }

    const r = await http(`${url}/api/labs/demo/reset`, { method: 'POST' });
    expect(r.status).toBe(500);
    expect(r.body.error.code).toBe('INTERNAL');
    expect(r.body.error.message).toMatch(/reset could not be saved \(ENOSPC\); nothing changed/);
    // Running as before: its commands and its ticks go on.
    expect(await appliedLoads(url)).toEqual([0.777]);
    expect(await webLoad(url)).toBe(0.777);
    const events = (await http(`${url}/api/labs/demo/events`)).body.data as { message: string }[];
    expect(events.map((e) => e.message)).not.toContain('lab reset to its start');
    for (;;) {
      const now = (await http(`${url}/api/labs/demo`)).body.data.tick as number;
      if (now > before) break;
      await new Promise((w) => setTimeout(w, 50));
    }
    expect(readdirSync(path.join(dataDir, 'labs'))).toEqual(['demo']);

    // Stored as before: a crash and a restart bring the lab back with its history.
    unlinkSync(filler);
    first.child.kill('SIGKILL');
    await first.exited;
    const second = startFull();
    const url2 = await listening(second);
    expect(await appliedLoads(url2)).toEqual([0.777]);
    expect(await webLoad(url2)).toBe(0.777);
    await stop(second);
  }, 120_000);
});
