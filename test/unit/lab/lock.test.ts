/**
 * DATA_DIR/server.lock: a stale lock (its process gone, empty or cut short by a crash) is replaced,
 * a live one refused; a file in its place that is no lock this server wrote (too large, not a lock's
 * record) is refused naming it and what to do, and left exactly as it was. At shutdown the lock is
 * removed only while it holds the record this server wrote.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFileStore } from '../../../server/lab/fileStore.js';
import { LOCK_CAP } from '../../../server/lab/lock.js';
import { StoreLockedError } from '../../../server/lab/store.js';
import { silentLogger } from '../../../server/log.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fresh DATA_DIR holding `content` as its server.lock; the lock's path. */
function lockWith(content: string | Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lock-'));
  dirs.push(dir);
  const lock = path.join(dir, 'server.lock');
  writeFileSync(lock, content);
  return lock;
}

/** Open the store on the lock's DATA_DIR and close it again: the lock was taken. */
async function takes(lock: string): Promise<void> {
  const store = await openFileStore(path.dirname(lock), silentLogger());
  expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(process.pid);
  await store.close();
  expect(existsSync(lock)).toBe(false);
}

describe('a file in server.lock’s place that is no lock this server wrote', () => {
  it.each([
    [
      'larger than a lock',
      JSON.stringify({ pid: 1, notes: 'x'.repeat(LOCK_CAP) }),
      /is \d+ bytes, no lock file/,
    ],
    ['not JSON', 'my notes, kept here\n', /is not a lock file this server wrote \(20 bytes/],
    ['JSON without a pid', JSON.stringify({ name: 'notes' }), /is not a lock file this server wrote/],
    ['a JSON list', '[1,2,3]', /is not a lock file this server wrote/],
  ])(
    'is refused when it is %s, naming it and what to do, and left as it was',
    async (_name, content, why) => {
      const lock = lockWith(content);
      const opening = openFileStore(path.dirname(lock), silentLogger());
      await expect(opening).rejects.toThrow(why);
      await expect(opening).rejects.toThrow(lock);
      await expect(opening).rejects.toThrow(/left as it is; move it out of the way .* then start again/);
      await expect(opening).rejects.not.toBeInstanceOf(StoreLockedError);
      expect(readFileSync(lock, 'utf8')).toBe(content);
    },
  );
});

describe('a symbolic link to nothing where server.lock belongs', () => {
  it('is refused naming it and its target, and left as it is', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lock-'));
    dirs.push(dir);
    const lock = path.join(dir, 'server.lock');
    symlinkSync('/nonexistent/lock', lock);
    await expect(openFileStore(dir, silentLogger())).rejects.toThrow(
      `${lock} is a symbolic link to /nonexistent/lock, which does not exist`,
    );
    expect(readlinkSync(lock)).toBe('/nonexistent/lock');
  });
});

describe('a lock this server wrote', () => {
  it.each([
    ['empty (a crash before its record was written)', ''],
    ['zeros (blocks a power cut never wrote)', Buffer.alloc(120)],
    ['cut short before its pid was whole', '{"pid":12'],
    ['of a process that is gone', JSON.stringify({ pid: 2 ** 30, startedAt: 'then' })],
    ['cut short, of a process that is gone', `{"pid":${2 ** 30},"startedAt":"20`],
  ])('is replaced when it is %s', async (_name, content) => {
    await takes(lockWith(content));
  });

  it('is refused while its process lives, even cut short by a crash after its pid', async () => {
    for (const content of [JSON.stringify({ pid: process.ppid }), `{"pid":${process.ppid},"start`]) {
      const lock = lockWith(content);
      await expect(openFileStore(path.dirname(lock), silentLogger())).rejects.toThrow(
        new RegExp(`in use by another server \\(pid ${process.ppid}`),
      );
      expect(readFileSync(lock, 'utf8')).toBe(content);
    }
  });
});

describe('the lock at shutdown', () => {
  /** A DATA_DIR whose store is open (its lock taken): the store and the lock's path. */
  async function opened(): Promise<{ close: () => Promise<void>; lock: string }> {
    const dir = mkdtempSync(path.join(tmpdir(), 'lock-'));
    dirs.push(dir);
    const store = await openFileStore(dir, silentLogger());
    return { close: () => store.close(), lock: path.join(dir, 'server.lock') };
  }

  it('is removed when it still holds the record written at start', async () => {
    const { close, lock } = await opened();
    expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(process.pid);
    await close();
    expect(existsSync(lock)).toBe(false);
  });

  it('is left when another server’s lock took its place while this one ran', async () => {
    const { close, lock } = await opened();
    // Removed by hand, and another server started on the same DATA_DIR.
    rmSync(lock);
    const theirs = JSON.stringify({ pid: process.ppid, startedAt: new Date().toISOString() });
    writeFileSync(lock, theirs);
    await close();
    expect(readFileSync(lock, 'utf8')).toBe(theirs);
  });

  it('is left, without waiting on it, when a named pipe took its place', async () => {
    const { close, lock } = await opened();
    rmSync(lock);
    execFileSync('mkfifo', [lock]);
    await close();
    expect(lstatSync(lock).isFIFO()).toBe(true);
  });
});

describe('temporary files a starter killed while making its lock or claim left', () => {
  it('are deleted once the lock is taken when their process is gone; others are left', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lock-'));
    dirs.push(dir);
    const gone = 2 ** 30;
    const theirs = [
      `server.lock.${gone}.k3j9x0aa.tmp`,
      `server.lock.takeover-0123456789abcdef-0.${gone}.q1w2e3r4.tmp`,
      // An earlier process given this one's pid (a container restarting its server).
      `server.lock.${process.pid}.aaaa1111.tmp`,
    ];
    const kept = [
      // A starter that lives may still link it.
      `server.lock.${process.ppid}.z9y8x7w6.tmp`,
      // Names this server never makes.
      'server.lock.notes.tmp',
      `server.lock.${gone}.tmp`,
      `server.lock.${gone}.k3j9x0aa.tmp.bak`,
    ];
    for (const name of [...theirs, ...kept]) writeFileSync(path.join(dir, name), '{"pid":');
    const store = await openFileStore(dir, silentLogger());
    for (const name of theirs) expect(existsSync(path.join(dir, name)), name).toBe(false);
    for (const name of kept) expect(existsSync(path.join(dir, name)), name).toBe(true);
    await store.close();
  });
});
