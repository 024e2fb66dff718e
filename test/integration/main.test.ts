/**
 * The server as users start it, with environment variables: `npm start` (`node scripts/serve.mjs`,
 * the server's bundle) and `npm run dev` (`tsx server/main.ts`, its sources).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVE } from '../serve.js';
import { http, removeDir } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** `npm start`'s command, and `npm run dev`'s. */
const NPM_START = [SERVE];
const NPM_DEV = ['--import', 'tsx', 'server/main.ts'];

function start(
  env: Record<string, string>,
  args = NPM_START,
): {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, LOG_LEVEL: 'info', CONTROL_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return { child, out: () => text, exited };
}

/** The URL the server printed once it listens and its saved labs are back (or a rejection if it exits first). */
function listening(p: ReturnType<typeof start>): Promise<string> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(p.out());
      if (m && p.out().includes('"msg":"labs ready"')) {
        resolve(m[1]);
        return true;
      }
      return false;
    };
    if (look()) return;
    p.child.stdout!.on('data', look);
    void p.exited.then((code) => reject(new Error(`exited with ${code}: ${p.out()}`)));
  });
}

describe('the server started as users start it', () => {
  it.each([
    [{ HOST: '0.0.0.0' }, /CONTROL_TOKEN/],
    [{ PORT: 'abc' }, /PORT: expected a whole number/],
    [{ MAX_LABS: '-3' }, /MAX_LABS/],
  ])(
    'refuses to start on bad configuration %o, naming the variable',
    async (env, message) => {
      const p = start({ ...env, DATA_DIR: path.join(tmpdir(), 'never-used') });
      expect(await p.exited).toBe(2);
      expect(p.out()).toMatch(message);
    },
    90_000,
  );

  it('starts the demo lab, saves it on SIGTERM, and resumes it on the next start (npm start, then npm run dev)', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'main-'));
    dirs.push(dataDir);
    const first = start({ PORT: '0', DATA_DIR: dataDir });
    const url = await listening(first);
    const labs = await http(`${url}/api/labs`);
    expect(labs.body.data.map((l: { id: string }) => l.id)).toEqual(['demo']);
    const cmd = await http(`${url}/api/labs/demo/commands`, {
      method: 'POST',
      body: { type: 'setLoad', vps: 'web-1', load: { cpu: 0.9 } },
    });
    expect(cmd.body.ok).toBe(true);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const snap = JSON.parse(readFileSync(path.join(dataDir, 'labs/demo/snapshot.json'), 'utf8'));
    expect(snap.tick).toBeGreaterThanOrEqual(cmd.body.data.tick);
    expect(existsSync(path.join(dataDir, 'labs/demo/commands.ndjson'))).toBe(true);

    const second = start({ PORT: '0', DATA_DIR: dataDir }, NPM_DEV);
    const url2 = await listening(second);
    const state = await http(`${url2}/api/labs/demo`);
    expect(state.body.data.tick).toBeGreaterThanOrEqual(snap.tick);
    expect(state.body.data.vps.find((v: { id: string }) => v.id === 'web-1').load.cpu).toBe(0.9);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 60_000);
});
