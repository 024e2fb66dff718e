/**
 * Redis stops answering the process running a lab (its own link to Redis stopped: packets dropped,
 * connection open) while it answers another process. A command the owner applies just then is
 * answered NOT_SAVED: its record waits for Redis. The owner's lease runs out and the other process
 * takes the lab over from what Redis holds, without that command. When the owner's link comes
 * back, its record is fenced out: it is lost, and the lab runs on without it. Every viewer, on
 * either process, must be told so, naming the command and the tick it applied at (before, only the
 * owner's log said so: the page that was told "saved once the store answers" never learnt otherwise).
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import type { LabEvent } from '../../../shared/protocol.js';
import { http, request, waitFor, type Client } from '../helpers.js';
import { ownerAndOther, stopCluster, type OwnerAndOther } from './fixture.js';
import type { RedisLink, ServerProcess } from './harness.js';

let cluster: OwnerAndOther | undefined;
let link: RedisLink;
let other: ServerProcess;
let onOwner: Client;
let onOther: Client;
let peek: Redis;

/** Far longer than any bound of the server's: a busy machine must not fail the test. */
const WAIT_MS = 30_000;
const RID = 'record-lost-1';
const command = { lab: 'lost', type: 'setLoad', vps: 'web-1', load: { cpu: 0.432 }, requestId: RID };

type Ack = { ok: boolean; data?: { tick: number }; error?: { code: string; message: string } };
type Event = { lab: string; event: LabEvent };

beforeAll(async () => {
  cluster = await ownerAndOther('lost', { link: true });
  ({ other, onOwner, onOther, peek } = cluster);
  link = cluster.link!;
}, 120_000);

afterAll(() => stopCluster(cluster));

/** Resolves once the lab's lease in Redis is held by process `id`. */
async function ownedBy(id: string): Promise<void> {
  const until = Date.now() + WAIT_MS;
  while (Date.now() < until) {
    if ((await peek.get(keys.lease('lost')))?.startsWith(`${id}:`)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`lab "lost" not taken over by ${id} within ${WAIT_MS} ms`);
}

describe('a command answered NOT_SAVED whose lab is taken over before Redis takes its record', () => {
  it('every viewer is told it was lost, naming the command and its tick; the lab runs without it', async () => {
    link.proc.kill('SIGSTOP');
    const first = await request<Ack>(onOwner, 'command', command, WAIT_MS);
    expect(first.error?.code, JSON.stringify(first)).toBe('NOT_SAVED');
    const tick = Number(/applied at tick (\d+)/.exec(first.error?.message ?? '')?.[1]);
    expect(Number.isSafeInteger(tick), first.error?.message).toBe(true);

    // Redis answers the other process: the owner's lease runs out and the other takes the lab over.
    await ownedBy(other.id);
    const lostOn = (m: Event) => m.lab === 'lost' && /lost/i.test(m.event.message);
    const told = [
      waitFor<Event>(onOther, 'event', lostOn, WAIT_MS),
      waitFor<Event>(onOwner, 'event', lostOn, WAIT_MS),
    ];

    // The owner's link comes back: its record, fenced out, is lost, and everyone is told.
    link.proc.kill('SIGCONT');
    for (const { event } of await Promise.all(told)) {
      expect(event.tick).toBe(tick);
      expect(event.message).toMatch(/web-1/);
      expect(event.message).toMatch(new RegExp(`tick ${tick}\\b`));
      expect(event.message).toMatch(/another server.*took the lab over/);
      expect(event.command, 'not an applied command').toBeUndefined();
    }

    // The truth: the lab runs on without it, and its log does not hold it.
    const log = await peek.xrange(keys.log('lost'), '-', '+');
    expect(log.map(([, f]) => f[1]).filter((r) => r?.includes(RID))).toEqual([]);
    const state = await http(`${other.url}/api/labs/lost`);
    expect(state.status, state.text).toBe(200);
    expect(state.text).not.toContain('0.432');

    // Sent again, as the notice says, it applies on the lab's new owner.
    const again = await request<Ack>(onOther, 'command', command, WAIT_MS);
    expect(again.ok, JSON.stringify(again)).toBe(true);
    expect(again.data!.tick).toBeGreaterThan(tick);
  }, 90_000);
});
