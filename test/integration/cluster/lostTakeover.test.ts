/**
 * Redis lost its data under a running owner (FLUSHALL on a real redis-server), which published its
 * lab again. When that owner then goes, the process taking the lab over re-runs it from its start
 * (tick 0 of its scenario) with every record the owner kept, so its charts before the snapshot come
 * back as they were, and so it does again when Redis loses it under the process that took it over.
 * Before, the lab was published with its snapshot and an empty log: it came back
 * at its snapshot with every acknowledged command, but its history before the snapshot was lost.
 * A lab older than a restore re-runs keeps no records for it: published again with its snapshot
 * and an empty log, it is taken over at its snapshot, not set aside as unrestorable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { http, postCommand, type TestServer } from '../helpers.js';
import { startRedis, stopAll, type RedisHandle } from './harness.js';
import { lostAndPublished, processApp, stopProcesses } from './inProcess.js';

let redis: RedisHandle;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  stopProcesses();
  await stopAll();
});

/** Lab `id` (the demo) with two commands and a clock action, run past a snapshot. */
async function steered(t: TestServer, id: string): Promise<void> {
  const made = await http(`${t.url}/api/labs`, { method: 'POST', body: { id, preset: 'demo' } });
  expect(made.status, made.text).toBe(201);
  t.advance(1000);
  expect((await postCommand(t, id, { type: 'setLoad', vps: 'web-1', load: { cpu: 0.37 } })).ok).toBe(true);
  t.advance(2000);
  const speed = await http(`${t.url}/api/labs/${id}/clock`, {
    method: 'POST',
    body: { action: 'speed', speed: 2 },
  });
  expect(speed.body, speed.text).toMatchObject({ ok: true });
  t.advance(1500);
  expect((await postCommand(t, id, { type: 'removeVps', vps: 'batch-1' })).ok).toBe(true);
  t.advance(6000);
}

/** What a page reloading lab `plain` sees of it: its charts from tick 0, its log, its state. */
async function seen(t: TestServer) {
  const lab = t.server.registry.get('plain')!;
  const last = lab.history.lastTick!;
  const charts = await http(`${t.url}/api/labs/plain/history?from=0&to=${last}&points=1000`);
  expect(charts.status, charts.text).toBe(200);
  const events = (await http(`${t.url}/api/labs/plain/events`)).body;
  return { last, first: lab.history.firstTick, charts: charts.body, events, state: lab.state() };
}

const warnings = (lines: Record<string, unknown>[], id: string) =>
  lines.filter(
    (l) => l.lab === id && (l.level as number) >= 40 && l.msg !== 'Redis lost this lab; published it again',
  );

describe('a lab published again after Redis lost its data', () => {
  it('is taken over with its history from tick 0, as it was, once its owner goes', async () => {
    const id = 'plain';
    const a = await processApp(redis.url, 'lost-a');
    await steered(a.t, id);
    await lostAndPublished(a, id);
    const before = await seen(a.t);
    const frames = a.t.server.registry.get(id)!.history.range(0, before.last);
    expect(before.first).toBe(0);
    await a.t.close();
    expect(await a.conn.xlen(keys.log(id))).toBe(3);
    await a.conn.del(keys.lease(id));

    const b = await processApp(redis.url, 'lost-b');
    const c = await processApp(redis.url, 'lost-c');
    try {
      await b.takeOver(id);
      const back = b.t.server.registry.get(id)!;
      expect(back.history.firstTick).toBe(0);
      expect(back.history.range(0, before.last)).toEqual(frames);
      expect(await seen(b.t)).toEqual(before);
      expect(warnings(b.lines, id)).toEqual([]);
      expect(await b.conn.hexists(keys.quarantined, id)).toBe(0);

      // Lost again under the process that took it over, after a command there: it publishes the
      // lab's records from tick 0 too.
      expect((await postCommand(b.t, id, { type: 'setLoad', vps: 'web-1', load: { cpu: 0.5 } })).ok).toBe(
        true,
      );
      b.t.advance(1000);
      await lostAndPublished(b, id);
      const later = await seen(b.t);
      await b.t.close();
      expect(await b.conn.xlen(keys.log(id))).toBe(4);
      await b.conn.del(keys.lease(id));
      await c.takeOver(id);
      expect(c.t.server.registry.get(id)!.history.firstTick).toBe(0);
      expect(await seen(c.t)).toEqual(later);
      expect(warnings(c.lines, id)).toEqual([]);
    } finally {
      await b.t.close();
      await c.t.close();
      await b.conn.flushall();
    }
  });

  it('older than a restore re-runs, is taken over at its snapshot with the commands acknowledged before', async () => {
    const id = 'old';
    const a = await processApp(redis.url, 'old-a', { rebuildTicks: 50 });
    await steered(a.t, id);
    await lostAndPublished(a, id);
    // The records of its first 50 ticks were not kept: a restore would not re-run them.
    expect(await a.conn.xlen(keys.log(id))).toBe(0);
    const before = a.t.server.registry.get(id)!.state();
    await a.t.close();
    const saved = JSON.parse((await a.conn.get(keys.snapshot(id)))!) as { tick: number; seq: number };
    expect(saved.seq).toBe(3);
    await a.conn.del(keys.lease(id));

    const b = await processApp(redis.url, 'old-b', { rebuildTicks: 50 });
    try {
      await b.takeOver(id);
      const back = b.t.server.registry.get(id)!;
      expect(back.tick).toBe(saved.tick);
      expect(back.seq).toBe(3);
      expect(back.state()).toEqual(before);
      expect(warnings(b.lines, id)).toEqual([]);
      expect(await b.conn.hexists(keys.quarantined, id)).toBe(0);
    } finally {
      await b.t.close();
      await b.conn.flushall();
    }
  });
});
