/**
 * Files in DATA_DIR that are no regular files: a lab's meta.json replaced by a named pipe (reading
 * it would wait for a writer forever), another lab's snapshot.json a link to /dev/zero (reading it
 * would never end), and server.lock a named pipe. The server must not wait on any: the piped lab
 * is quarantined naming the file, the other's snapshot is moved aside naming it and the lab is
 * rebuilt from the rest, the pipe of a lock is a stale lock, and SIGTERM still stops the server.
 * The real server, on a DATA_DIR it saved.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { http } from './helpers.js';
import { childServers, listening, stop } from './child.js';

const { dataDir: newDataDir, start } = childServers('fifo');

/** Resolves with `p`, or with `fallback` once `ms` passed. */
const within = <T>(p: Promise<T>, ms: number, fallback: T): Promise<T> =>
  Promise.race([p, new Promise<T>((ok) => setTimeout(() => ok(fallback), ms))]);

describe('files in DATA_DIR that are no regular files', () => {
  it('are refused naming them, never waited on; the other labs come back and SIGTERM stops the server', async () => {
    const dataDir = newDataDir();
    const first = start(dataDir);
    const url = await listening(first);
    for (const id of ['piped', 'zeroed'])
      expect((await http(`${url}/api/labs`, { method: 'POST', body: { id, preset: 'demo' } })).status).toBe(
        201,
      );
    expect(await stop(first)).toBe(0);
    const labs = path.join(dataDir, 'labs');
    rmSync(path.join(labs, 'piped', 'meta.json'));
    execFileSync('mkfifo', [path.join(labs, 'piped', 'meta.json')]);
    rmSync(path.join(labs, 'zeroed', 'snapshot.json'));
    symlinkSync('/dev/zero', path.join(labs, 'zeroed', 'snapshot.json'));
    execFileSync('mkfifo', [path.join(dataDir, 'server.lock')]);

    const second = start(dataDir);
    const url2 = await within(listening(second), 20_000, 'never ready');
    expect(url2, second.out()).toMatch(/^http/);
    const ids = (await http(`${url2}/api/labs`)).body.data.map((l: { id: string }) => l.id);
    expect(ids.sort()).toEqual(['demo', 'zeroed']);
    const quarantine = path.join(dataDir, 'quarantine');
    const aside = (lab: string, part = '') =>
      readdirSync(quarantine).find((d) => d.startsWith(`${lab}-`) && d.endsWith(part));
    const reason = (d: string | undefined) =>
      readFileSync(path.join(quarantine, d ?? '?', 'reason.txt'), 'utf8');
    expect(reason(aside('piped'))).toMatch(/meta\.json: cannot be read \(not a regular file: a named pipe/);
    expect(reason(aside('zeroed', '-snapshot'))).toMatch(
      /snapshot\.json: cannot be read \(not a regular file: a device/,
    );
    expect(await within<number | null | string>(stop(second), 15_000, 'still running')).toBe(0);
  }, 60_000);
});
