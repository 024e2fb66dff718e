/**
 * A lab's file replaced by a named pipe (FIFO): reading it would wait for a writer forever. The
 * server must not: the lab is quarantined naming the file (it is not a regular file), every other
 * lab is restored, and SIGTERM still stops the server. The real server, on a DATA_DIR it saved.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { http } from './helpers.js';
import { childServers, listening, stop } from './child.js';

const { dataDir: newDataDir, start } = childServers('fifo');

/** Resolves with `p`, or with `fallback` once `ms` passed. */
const within = <T>(p: Promise<T>, ms: number, fallback: T): Promise<T> =>
  Promise.race([p, new Promise<T>((ok) => setTimeout(() => ok(fallback), ms))]);

// The file store reads a lab's files without checking what they are: a FIFO blocks a worker thread
// for good, the labs stay RESTORING and the process cannot exit. Skipped until it is refused.
describe.skip('a named pipe in a lab folder', () => {
  it('is quarantined naming the file; the other labs come back and SIGTERM stops the server', async () => {
    const dataDir = newDataDir();
    const first = start(dataDir);
    const url = await listening(first);
    expect(
      (await http(`${url}/api/labs`, { method: 'POST', body: { id: 'piped', preset: 'demo' } })).status,
    ).toBe(201);
    expect(await stop(first)).toBe(0);
    const meta = path.join(dataDir, 'labs', 'piped', 'meta.json');
    rmSync(meta);
    execFileSync('mkfifo', [meta]);

    const second = start(dataDir);
    const url2 = await within(listening(second), 20_000, 'never ready');
    expect(url2).toMatch(/^http/);
    const ids = (await http(`${url2}/api/labs`)).body.data.map((l: { id: string }) => l.id);
    expect(ids).toEqual(['demo']);
    const [aside] = readdirSync(path.join(dataDir, 'quarantine'));
    expect(aside).toMatch(/^piped-/);
    expect(readFileSync(path.join(dataDir, 'quarantine', aside, 'reason.txt'), 'utf8')).toMatch(/meta\.json/);
    expect(await within<number | null | string>(stop(second), 15_000, 'still running')).toBe(0);
  }, 60_000);
});
