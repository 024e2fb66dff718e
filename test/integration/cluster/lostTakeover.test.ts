/**
 * Redis lost its data under a running owner (FLUSHALL on a real redis-server), which published its
 * lab again: its meta and snapshot, its log begun again empty (the commands before are in the
 * snapshot). When that owner then goes before any new command, the process taking the lab over
 * brings it back at its snapshot, with every acknowledged command, saying that its history before
 * the snapshot is not rebuilt. Before, it set the lab aside as unrestorable: its log "missed" the
 * records the snapshot holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { http, postCommand } from '../helpers.js';
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

describe('a lab published again after Redis lost its data', () => {
  it('is taken over at its snapshot once its owner goes, with the commands acknowledged before', async () => {
    const a = await processApp(redis.url, 'lost-a');
    const made = await http(`${a.t.url}/api/labs`, { method: 'POST', body: { id: 'plain', preset: 'demo' } });
    expect(made.status, made.text).toBe(201);
    a.t.advance(1000);
    const ack = await postCommand(a.t, 'plain', { type: 'setLoad', vps: 'web-1', load: { cpu: 0.37 } });
    expect(ack.ok).toBe(true);
    a.t.advance(6000);
    await lostAndPublished(a, 'plain');
    expect(await a.conn.xlen(keys.log('plain'))).toBe(0);
    await a.t.close();
    const saved = JSON.parse((await a.conn.get(keys.snapshot('plain')))!) as { tick: number; seq: number };
    expect(saved.seq).toBe(1);
    await a.conn.del(keys.lease('plain'));

    const b = await processApp(redis.url, 'lost-b');
    try {
      await b.takeOver('plain');
      const back = b.t.server.registry.get('plain')!;
      expect(back.tick).toBe(saved.tick);
      expect(back.seq).toBe(1);
      const web = back.state().vps.find((v) => v.id === 'web-1')!;
      expect(web.load.cpu).toBe(0.37);
      // Its history before the snapshot is not rebuilt (the log before it is gone), and said so.
      expect(b.lines.filter((l) => l.lab === 'plain' && (l.level as number) >= 40).map((l) => l.msg)).toEqual(
        [
          `${keys.log('plain')} does not hold the records before ${keys.snapshot('plain')} (begun again after it); ` +
            'restoring the snapshot only, without the history before it',
        ],
      );
      expect(await b.conn.hexists(keys.quarantined, 'plain')).toBe(0);
    } finally {
      await b.t.close();
    }
  });
});
