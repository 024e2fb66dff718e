/**
 * The labs of a process that dies spread over the processes left by load, as new labs do: each
 * lab taken over counts in its taker's load before the next is placed. Before, the process that
 * was least loaded when the owner died took every one of them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { http } from '../helpers.js';
import { startRedis, startServer, stopAll, type ServerProcess } from './harness.js';

afterAll(stopAll);

const owns = async (p: ServerProcess) => (await http(`${p.url}/healthz`)).body.data.owns as string[];
const LABS = ['a1', 'a2', 'a3', 'a4'];

describe('a process owning several labs dies', () => {
  it('its labs are taken over by every process left, not all by one', async () => {
    const redis = await startRedis();
    const procs = await Promise.all([startServer(redis.url), startServer(redis.url), startServer(redis.url)]);
    // The victim is a process that does not run the demo lab; the others start one lab apart.
    const owned = await Promise.all(procs.map(owns));
    const victim = procs[owned.findIndex((o) => !o.includes('demo'))];
    const survivors = procs.filter((p) => p !== victim);
    for (const id of LABS) {
      const made = await http(`${victim.url}/api/labs`, {
        method: 'POST',
        body: { id, preset: 'demo' },
        headers: { 'x-contention-forwarded': 'test' },
      });
      expect(made.status, made.text).toBe(201);
    }
    expect((await owns(victim)).sort()).toEqual(LABS);

    await victim.kill('SIGKILL');
    let after: string[][];
    do {
      await new Promise((w) => setTimeout(w, 200));
      after = await Promise.all(survivors.map(owns));
    } while (after.flat().filter((id) => LABS.includes(id)).length < LABS.length);
    const taken = after.map((o) => o.filter((id) => LABS.includes(id)));
    expect(taken.flat().sort()).toEqual(LABS);
    for (const t of taken) expect(t.length, JSON.stringify(taken)).toBeGreaterThan(0);
  }, 120_000);
});
