/**
 * A reset answered as failed although Redis ran it in time: its script held in Redis (CLIENT PAUSE
 * WRITE from another client) until the owner's link to Redis holds replies back, then run, its
 * reply reaching the owner only after the reset answered that nothing was reset. The lab runs on
 * here, not reset, so the owner publishes it again as it runs: Redis then holds the lab as it was
 * (its meta, snapshot and log since tick 0), and a process taking it over brings it back so, with
 * its history. Before, the owner took the reset's meta as the lab's and dropped the records it
 * kept to re-run it, then published that meta with the snapshot of the lab not reset: Redis held a
 * reset lab's meta with a snapshot the reset had not made, and no log before it.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { http, postCommand } from '../helpers.js';
import { holdReplies, startLink, startRedis, stopAll, type RedisHandle, type RedisLink } from './harness.js';
import { processApp, stopProcesses } from './inProcess.js';

let redis: RedisHandle;
let link: RedisLink;
let peek: Redis;

beforeAll(async () => {
  redis = await startRedis();
  link = await startLink(redis);
  peek = new Redis(redis.url, { maxRetriesPerRequest: null });
  peek.on('error', () => undefined);
});
afterAll(async () => {
  peek?.disconnect();
  stopProcesses();
  await stopAll();
});

/** Whether a script of process `name` waits in Redis (held by CLIENT PAUSE WRITE). */
const scriptWaits = (name: string) => async () =>
  String(await peek.call('CLIENT', 'LIST'))
    .split('\n')
    .some((l) => l.includes(` name=${name} `) && / flags=b .* cmd=eval(sha)? /.test(l));

describe('a reset whose reply came after it answered that nothing was reset', () => {
  it('leaves the lab as it runs, everywhere: in Redis, and after a takeover', async () => {
    const a = await processApp(link.url, 'late-a');
    // The reset's script waits in Redis until its reply can be held back, then runs. On a machine
    // too slow for that within the reset's deadline, the script runs too late and does nothing (as
    // it should): the race was not provoked, and is tried again on a new lab, a few times at most.
    let id = '';
    let meta: string | null;
    for (let attempt = 1; ; attempt++) {
      id = `late-${attempt}`;
      const made = await http(`${a.t.url}/api/labs`, { method: 'POST', body: { id, preset: 'demo' } });
      expect(made.status, made.text).toBe(201);
      a.t.advance(1000);
      const set = await postCommand(a.t, id, { type: 'setLoad', vps: 'web-1', load: { cpu: 0.37 } });
      expect(set.ok).toBe(true);
      a.t.advance(6000);
      meta = await peek.hget(keys.labs, id);

      await peek.call('CLIENT', 'PAUSE', '60000', 'WRITE');
      const answer = http(`${a.t.url}/api/labs/${id}/reset`, { method: 'POST' });
      await expect.poll(scriptWaits('late-a'), { timeout: 10_000 }).toBe(true);
      await holdReplies(link, true);
      await peek.call('CLIENT', 'UNPAUSE');
      await expect.poll(scriptWaits('late-a'), { timeout: 10_000 }).toBe(false);
      const reset = (await peek.hget(keys.labs, id)) !== meta;
      const refused = await answer;
      expect(refused.status, refused.text).toBe(503);
      if (reset) {
        expect(refused.body.error.message).toMatch(/reset could not be saved.*Redis/);
        await holdReplies(link, false);
        break;
      }
      await holdReplies(link, false);
      expect(attempt, 'the reset reached Redis in time in none of 3 tries').toBeLessThan(3);
    }

    // Published again as it runs, not reset: its meta, its snapshot, its log from tick 0.
    await expect.poll(() => peek.exists(keys.snapshot(id)), { timeout: 10_000 }).toBe(1);
    const lab = a.t.server.registry.get(id)!;
    expect(lab.seq).toBe(1);
    expect(await peek.hget(keys.labs, id)).toBe(meta);
    expect(JSON.parse((await peek.get(keys.snapshot(id)))!)).toMatchObject({ seq: 1 });
    expect(await peek.xlen(keys.log(id))).toBe(1);

    const last = lab.history.lastTick!;
    const frames = lab.history.range(0, last);
    const state = lab.state();
    await a.t.close();
    await peek.del(keys.lease(id));
    const b = await processApp(redis.url, 'late-b');
    try {
      await b.takeOver(id);
      const back = b.t.server.registry.get(id)!;
      expect(back.state()).toEqual(state);
      expect(back.history.firstTick).toBe(0);
      expect(back.history.range(0, last)).toEqual(frames);
      expect(b.lines.filter((l) => l.lab === id && (l.level as number) >= 40)).toEqual([]);
    } finally {
      await b.t.close();
    }
  });
});
