/**
 * "Acknowledged" means saved: the real server in a child process is SIGKILLed right after its
 * acknowledgements, and every acknowledged command is there after a restart. One DATA_DIR, one
 * server: a second one refuses to start.
 */
import { describe, expect, it } from 'vitest';
import { http } from './helpers.js';
import { appliedLoads } from './disk.js';
import { childServers, listening, stop } from './child.js';

const { dataDir: newDataDir, start } = childServers('durable');

const setLoad = (k: number) => ({ type: 'setLoad', vps: 'web-1', load: { cpu: k / 1000 } });

describe('durability', () => {
  it('loses no acknowledged command when the server is SIGKILLed right after the acknowledgement', async () => {
    const dataDir = newDataDir();
    const first = start(dataDir);
    const url = await listening(first);
    // Single commands, one after the other, then a batch; SIGKILL as soon as the last ack arrives.
    const acked: number[] = [];
    let lastTick = 0;
    for (let k = 1; k <= 8; k++) {
      const r = await http(`${url}/api/labs/demo/commands`, { method: 'POST', body: setLoad(k) });
      expect(r.body.ok).toBe(true);
      acked.push(k / 1000);
      lastTick = r.body.data.tick;
    }
    const batch = Array.from({ length: 50 }, (_, i) => setLoad(100 + i));
    const r = await http(`${url}/api/labs/demo/commands`, { method: 'POST', body: batch });
    first.child.kill('SIGKILL');
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(true);
    acked.push(...batch.map((c) => c.load.cpu));
    lastTick = Math.max(lastTick, r.body.data.tick);
    await first.exited;

    const second = start(dataDir);
    const url2 = await listening(second);
    expect(await appliedLoads(url2)).toEqual(acked);
    const state = await http(`${url2}/api/labs/demo`);
    expect(state.body.data.tick).toBeGreaterThanOrEqual(lastTick);
    expect(state.body.data.vps.find((v: { id: string }) => v.id === 'web-1').load.cpu).toBe(0.149);
    await stop(second);
  }, 90_000);

  it('refuses to start a second server on the same DATA_DIR, naming the owner', async () => {
    const dataDir = newDataDir();
    const first = start(dataDir);
    await listening(first);
    const second = start(dataDir);
    expect(await second.exited).toBe(1);
    expect(second.out()).toMatch(new RegExp(`in use by another server \\(pid ${first.child.pid}`));
    // The first keeps serving.
    const url = await listening(first);
    expect((await http(`${url}/healthz`)).status).toBe(200);
    // After a SIGKILL the lock is stale (its pid is gone): the next server takes it.
    await stop(first, 'SIGKILL');
    const third = start(dataDir);
    await listening(third);
    expect(third.out()).toMatch(/stale lock/);
    await stop(third);
  }, 90_000);
});
