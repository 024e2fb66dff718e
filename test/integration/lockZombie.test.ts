/**
 * A server SIGKILLed under a parent that never reaps its children (a container's bare init, a
 * shell that exec'd into something else) stays a zombie: its pid answers, but it holds nothing
 * and writes nothing. The next server on its DATA_DIR takes the lock, with every acknowledged
 * command there.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVE } from '../serve.js';
import { http } from './helpers.js';
import { appliedLoads } from './disk.js';
import { childServers, listening, serverEnv, stop, type Child } from './child.js';

const { dataDir: newDataDir, start } = childServers('zombie');

/** The real server, started by a shell that then becomes `sleep`, which never reaps it. */
function underNonReapingParent(dataDir: string): { server: Child; pid: () => number } {
  const child = spawn('sh', ['-c', '"$@" & echo "pid=$!"; exec sleep 120', 'sh', process.execPath, SERVE], {
    env: serverEnv({ DATA_DIR: dataDir }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (d) => (text += d));
  child.stderr.on('data', (d) => (text += d));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  const server: Child = { child, out: () => text, exited, rss: () => NaN };
  return { server, pid: () => Number(/pid=(\d+)/.exec(text)![1]) };
}

const stateOf = (pid: number): string => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
};

describe('a server killed whose parent never reaps it', () => {
  it('leaves a zombie that does not hold DATA_DIR: the next server starts with what was acknowledged', async () => {
    const dataDir = newDataDir();
    const { server, pid } = underNonReapingParent(dataDir);
    try {
      const url = await listening(server);
      const r = await http(`${url}/api/labs/demo/commands`, {
        method: 'POST',
        body: { type: 'setLoad', vps: 'web-1', load: { cpu: 0.931 } },
      });
      expect(r.body.ok).toBe(true);
      process.kill(pid(), 'SIGKILL');
      await expect.poll(() => stateOf(pid()), { timeout: 10_000 }).toBe('Z');

      const next = start(dataDir);
      const url2 = await listening(next);
      expect(next.out()).toMatch(/stale lock/);
      expect(await appliedLoads(url2)).toEqual([0.931]);
      await stop(next);
    } finally {
      await stop(server, 'SIGKILL');
    }
  }, 90_000);
});
