/**
 * Servers starting together on a DATA_DIR a crash left its lock in: each finds the lock stale and
 * replaces it, but only one may hold it. Replacing a stale lock is claimed first (one claim per
 * stale record, made with O_EXCL), so no starter removes a lock another one has just written.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFileStore } from '../../../server/lab/fileStore.js';
import { StoreLockedError, type Store } from '../../../server/lab/store.js';
import { silentLogger } from '../../../server/log.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** A DATA_DIR whose server.lock names `pid`, a process that is gone. */
function staleDataDir(pid: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lock-race-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'server.lock'), JSON.stringify({ pid, startedAt: 'then' }));
  return dir;
}

describe('a stale lock found by several starters at once', () => {
  it.each([2, 3, 5])('is replaced by one of %i; the others are refused naming it', async (n) => {
    const dir = staleDataDir(2 ** 30 - n);
    const opened = await Promise.allSettled(
      Array.from({ length: n }, () => openFileStore(dir, silentLogger())),
    );
    const held = opened.filter((o) => o.status === 'fulfilled').map((o) => o.value);
    stores.push(...held);
    expect(held).toHaveLength(1);
    for (const o of opened.filter((x) => x.status === 'rejected'))
      expect(o.reason, String((o.reason as Error).stack)).toBeInstanceOf(StoreLockedError);
    expect(JSON.parse(readFileSync(path.join(dir, 'server.lock'), 'utf8')).pid).toBe(process.pid);
  });

  it('leaves no claim behind once the lock is taken', async () => {
    const dir = staleDataDir(2 ** 30 - 7);
    stores.push(await openFileStore(dir, silentLogger()));
    expect(readdirSync(dir).sort()).toEqual(['labs', 'server.lock']);
  });
});
