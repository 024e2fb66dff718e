/**
 * DATA_DIR naming something the server cannot use stops it at once with the reason, rather than
 * a misleading one or none: a symbolic link to a folder that does not exist (a disk not mounted),
 * or a folder where no file can be made (under /proc, where making one would never return), or a
 * folder, a large file or a file the server cannot read where DATA_DIR/server.lock belongs (left as it is).
 * The real server, as `npm start` runs it.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVE } from '../serve.js';
import { removeDir } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/**
 * Start the server on `dataDir` (as user `uid`, when given); resolves with its exit code and
 * output, or 'running' after `ms`.
 */
function run(
  dataDir: string,
  ms = 20_000,
  uid?: number,
): Promise<{ code: number | null | 'running'; out: string }> {
  const child = spawn(process.execPath, [SERVE], {
    env: { ...process.env, LOG_LEVEL: 'info', CONTROL_TOKEN: '', PORT: '0', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(uid === undefined ? {} : { uid, gid: uid }),
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((ok) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      ok({ code: 'running', out });
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(t);
      ok({ code, out });
    });
  });
}

describe('a DATA_DIR the server cannot use', () => {
  it('a symbolic link to nothing is named as such', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'data-link-'));
    dirs.push(dir);
    const link = path.join(dir, 'data');
    symlinkSync('/nonexistent/disk/data', link);
    const { code, out } = await run(link);
    expect(code).toBe(1);
    expect(out).toContain(
      `cannot use DATA_DIR ${link}: it is a symbolic link to /nonexistent/disk/data, which does not exist`,
    );
  }, 30_000);

  it('a symbolic link to nothing inside it, or above it, is named, not taken for DATA_DIR itself', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'data-link-'));
    dirs.push(dir);
    const labs = path.join(dir, 'labs');
    symlinkSync('/nonexistent/disk/labs', labs);
    const inside = await run(dir);
    expect(inside.code).toBe(1);
    expect(inside.out).toContain(
      `cannot use DATA_DIR ${dir}: ${labs} is a symbolic link to /nonexistent/disk/labs, which does not exist`,
    );
    const mount = path.join(dir, 'mnt');
    symlinkSync('/nonexistent/disk', mount);
    const above = await run(path.join(mount, 'data'));
    expect(above.code).toBe(1);
    expect(above.out).toContain(`${mount} is a symbolic link to /nonexistent/disk, which does not exist`);
  }, 30_000);

  it('a folder where nothing can be made stops the server naming it, at once', async () => {
    const { code, out } = await run('/proc/1');
    expect(code).toBe(1);
    expect(out).toContain('cannot use DATA_DIR /proc/1: cannot make /proc/1/labs');
  }, 30_000);

  it('a folder where server.lock belongs stops the server naming it and what to do, and is left alone', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'data-lockdir-'));
    dirs.push(dataDir);
    const lock = path.join(dataDir, 'server.lock');
    mkdirSync(lock);
    writeFileSync(path.join(lock, 'inside.txt'), 'kept');
    const { code, out } = await run(dataDir);
    expect(code).toBe(1);
    expect(out).toContain(`cannot use DATA_DIR ${dataDir}: ${lock} is a folder, not a lock file`);
    expect(out).toMatch(/move it out of the way/);
    expect(out).not.toMatch(/EEXIST|EISDIR/);
    expect(existsSync(path.join(lock, 'inside.txt'))).toBe(true);
  }, 30_000);

  it('a large file where server.lock belongs stops the server naming it and its size, and is left alone', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'data-lockbig-'));
    dirs.push(dataDir);
    const lock = path.join(dataDir, 'server.lock');
    const notes = 'notes kept here\n'.repeat(10_000);
    writeFileSync(lock, notes);
    const { code, out } = await run(dataDir);
    expect(code).toBe(1);
    expect(out).toContain(`cannot use DATA_DIR ${dataDir}: ${lock} is ${notes.length} bytes, no lock file`);
    expect(out).toMatch(/move it out of the way/);
    expect(readFileSync(lock, 'utf8')).toBe(notes);
  }, 30_000);

  it('a server.lock that cannot be read (EACCES) stops the server naming it, and is left alone', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'data-lockdenied-'));
    dirs.push(dataDir);
    mkdirSync(path.join(dataDir, 'labs'));
    const lock = path.join(dataDir, 'server.lock');
    const rec = JSON.stringify({ pid: 2 ** 30 });
    writeFileSync(lock, rec, { mode: 0o600 });
    // Another user's lock: the server runs as a user who may use the folder but not read the lock.
    const root = process.getuid?.() === 0;
    if (root) chmodSync(dataDir, 0o777);
    else chmodSync(lock, 0);
    const { code, out } = await run(dataDir, 20_000, root ? 65534 : undefined);
    expect(code, out).toBe(1);
    expect(out).toContain(`cannot use DATA_DIR ${dataDir}: ${lock} cannot be read (EACCES`);
    expect(out).toMatch(/let this user read it/);
    chmodSync(lock, 0o600);
    expect(readFileSync(lock, 'utf8')).toBe(rec);
  }, 30_000);
});
