/**
 * What an acknowledged new lab and its first command need on disk to survive a power cut: the
 * file's data (fsync) and the folder entries that name them (an fsync of each folder whose entries
 * changed: a rename or a new file is durable only then). The real server runs under strace, which
 * lists each fsync with the path of what it flushed; once a lab is created and its first command
 * acknowledged, the trace must hold a flush of the lab's folder after its meta.json was renamed
 * into place and after its commands.ndjson was made, and a flush of DATA_DIR/labs after the lab's
 * folder was made.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { http } from './helpers.js';
import { listening, serverEnv, type Child } from './child.js';

const STRACE = '/usr/bin/strace';
const dir = mkdtempSync(path.join(tmpdir(), 'dir-sync-'));
const dataDir = path.join(dir, 'data');
const trace = path.join(dir, 'trace.txt');
let server: Child | undefined;
afterAll(async () => {
  // strace killed alone would leave the server it traces running: the whole group goes.
  if (server?.child.pid !== undefined && server.child.exitCode === null) {
    process.kill(-server.child.pid, 'SIGKILL');
    await server.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The real server under strace (following its threads: libuv does file work on its pool). */
function tracedServer(): Child {
  const child = spawn(
    STRACE,
    [
      '-f',
      '-y',
      '-qq',
      '-e',
      'trace=fsync,fdatasync,rename,renameat,renameat2,mkdir,mkdirat,openat',
      '-o',
      trace,
      process.execPath,
      '--import',
      'tsx',
      'server/main.ts',
    ],
    {
      env: serverEnv({ DATA_DIR: dataDir }),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, with the server it starts: stopped together after the test.
      detached: true,
    },
  );
  let text = '';
  child.stdout.on('data', (d) => (text += d));
  child.stderr.on('data', (d) => (text += d));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return { child, out: () => text, exited, rss: () => NaN };
}

describe('a new lab and its first command, acknowledged', () => {
  it('have the folder entries naming them flushed to disk, not only their data', async () => {
    server = tracedServer();
    const url = await listening(server);
    const made = await http(`${url}/api/labs`, { method: 'POST', body: { id: 'durable', preset: 'demo' } });
    expect(made.status, made.text).toBe(201);
    const one = await http(`${url}/api/labs/durable/commands`, {
      method: 'POST',
      body: { type: 'setLoad', vps: 'web-1', load: { cpu: 0.4 } },
    });
    expect(one.status, one.text).toBe(200);

    const lines = readFileSync(trace, 'utf8').split('\n');
    const labs = path.join(dataDir, 'labs');
    const lab = path.join(labs, 'durable');
    const first = (re: RegExp, after = 0) => lines.findIndex((l, i) => i >= after && re.test(l));
    const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const flushOf = (p: string) => new RegExp(`fsync\\(\\d+<${esc(p)}>\\)\\s*= 0`);

    const madeDir = first(new RegExp(`mkdir(at)?\\(.*"${esc(lab)}"`));
    const renamedMeta = first(new RegExp(`rename.*"${esc(path.join(lab, 'meta.json'))}"`));
    const madeLog = first(new RegExp(`openat\\(.*"${esc(path.join(lab, 'commands.ndjson'))}".*O_CREAT`));
    expect(madeDir, 'the lab folder is made').toBeGreaterThanOrEqual(0);
    expect(renamedMeta, 'meta.json is renamed into place').toBeGreaterThan(madeDir);
    expect(madeLog, 'commands.ndjson is made').toBeGreaterThan(renamedMeta);
    expect(
      first(flushOf(labs), madeDir),
      'DATA_DIR/labs flushed after the lab folder was made',
    ).toBeGreaterThan(madeDir);
    expect(first(flushOf(lab), renamedMeta), 'the lab folder flushed after meta.json').toBeGreaterThan(
      renamedMeta,
    );
    expect(first(flushOf(lab), madeLog), 'the lab folder flushed after commands.ndjson').toBeGreaterThan(
      madeLog,
    );
  }, 120_000);
});
