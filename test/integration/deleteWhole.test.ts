/**
 * Deleting a lab is all or nothing on disk: its folder leaves the labs' names at once, then its
 * files are deleted. A deletion that cannot delete every file (here meta.json made immutable,
 * `chattr +i`, where this machine allows it; a crash or an I/O error in the middle does the same)
 * must not leave part of the lab to come back at the next start, as a lab started again from its
 * meta.json at tick 0. The real server, SIGKILLed after the deletion, on a DATA_DIR it saved.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { http } from './helpers.js';
import { childServers, listening, stop } from './child.js';

const { dataDir: newDataDir, start } = childServers('delete-whole');
const pinned: string[] = [];
/** Whether `file` could be made immutable (chattr, on a file system that has the flag). */
const pin = (file: string): boolean => {
  try {
    execFileSync('chattr', ['+i', file], { stdio: 'ignore' });
    pinned.push(file);
    return true;
  } catch {
    return false;
  }
};
/** Make every pinned file or folder deletable again, wherever its lab's folder went. */
afterAll(() => {
  for (const file of pinned) {
    const inLab = path.basename(path.dirname(file)) !== 'labs';
    const labs = inLab ? path.dirname(path.dirname(file)) : path.dirname(file);
    for (const dir of existsSync(labs) ? readdirSync(labs) : []) {
      const moved = inLab ? path.join(labs, dir, path.basename(file)) : path.join(labs, dir);
      if (existsSync(moved)) execFileSync('chattr', ['-i', moved], { stdio: 'ignore' });
    }
  }
});

/** A server on a new DATA_DIR with a lab "gone" holding one command; the server and its URL. */
async function labGone(dataDir: string) {
  const server = start(dataDir);
  const url = await listening(server);
  const made = await http(`${url}/api/labs`, { method: 'POST', body: { id: 'gone', preset: 'demo' } });
  expect(made.status).toBe(201);
  const set = await http(`${url}/api/labs/gone/commands`, {
    method: 'POST',
    body: { type: 'setLoad', vps: 'web-1', load: { cpu: 0.31 } },
  });
  expect(set.body.ok).toBe(true);
  return { server, url };
}

describe('a lab deleted when not all of its files can be', () => {
  it('does not come back at the next start', async (ctx) => {
    const dataDir = newDataDir();
    const { server: first, url } = await labGone(dataDir);
    if (!pin(path.join(dataDir, 'labs', 'gone', 'meta.json'))) {
      await stop(first, 'SIGKILL');
      ctx.skip();
    }
    const deleted = await http(`${url}/api/labs/gone`, { method: 'DELETE' });
    expect(deleted.body).toEqual({ ok: true, data: { id: 'gone' } });
    await stop(first, 'SIGKILL');

    const second = start(dataDir);
    const url2 = await listening(second);
    expect((await http(`${url2}/api/labs`)).body.data.map((l: { id: string }) => l.id)).toEqual(['demo']);
    expect(readdirSync(path.join(dataDir, 'labs'))).not.toContain('gone');
    expect(existsSync(path.join(dataDir, 'quarantine'))).toBe(false);
  }, 60_000);

  it('is refused, nothing deleted, when its folder cannot be moved; it runs and comes back whole', async (ctx) => {
    const dataDir = newDataDir();
    const { server: first, url } = await labGone(dataDir);
    if (!pin(path.join(dataDir, 'labs', 'gone'))) {
      await stop(first, 'SIGKILL');
      ctx.skip();
    }
    const refused = await http(`${url}/api/labs/gone`, { method: 'DELETE' });
    expect(refused.body.ok).toBe(false);
    expect(refused.body.error.code).toBe('INTERNAL');
    expect(refused.body.error.message).toMatch(/could not be saved \(EPERM\); nothing was deleted/);
    expect((await http(`${url}/api/labs/gone`)).status).toBe(200);
    await stop(first, 'SIGKILL');

    const second = start(dataDir);
    const url2 = await listening(second);
    expect((await http(`${url2}/api/labs`)).body.data.map((l: { id: string }) => l.id)).toEqual([
      'demo',
      'gone',
    ]);
    const events = (await http(`${url2}/api/labs/gone/scenario`)).body.data.events as {
      load?: { cpu?: number };
    }[];
    expect(events.map((e) => e.load?.cpu)).toContain(0.31);
  }, 60_000);
});
