/**
 * Redis stops answering the process running a lab (its own link to Redis stopped: packets dropped,
 * connection open) while it answers another process. A command and a clock action the owner
 * applies just then are answered NOT_SAVED: their records wait for Redis. The owner's lease runs
 * out and the other process takes the lab over from what Redis holds, without them. When the
 * owner's link comes back, their records are fenced out: they are lost, and the lab runs on
 * without them. Every viewer, on either process, must be told so, naming each and the tick it
 * applied at, and the lab's log must keep it for a page joining later (before, only the owner's log
 * said so: the page that was told "saved once the store answers" never learnt otherwise).
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import type { LabEvent, SnapshotMessage } from '../../../shared/protocol.js';
import { client, http, request, waitFor, type Client } from '../helpers.js';
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

const pause = { lab: 'lost', action: 'pause', requestId: 'record-lost-pause' };

type Ack = { ok: boolean; data?: { tick: number }; error?: { code: string; message: string } };
type Event = { lab: string; event: LabEvent };

beforeAll(async () => {
  cluster = await ownerAndOther('lost', { link: true });
  ({ other, onOwner, onOther, peek } = cluster);
  link = cluster.link!;
}, 120_000);

afterAll(() => stopCluster(cluster));

/** The tick a NOT_SAVED answer says it applied at. */
function tickOf(a: Ack): number {
  const tick = Number(/applied at tick (\d+)/.exec(a.error?.message ?? '')?.[1]);
  expect(Number.isSafeInteger(tick), a.error?.message).toBe(true);
  return tick;
}

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
    // A command and a clock action, applied just as the owner's link stopped.
    const [first, paused] = await Promise.all([
      request<Ack>(onOwner, 'command', command, WAIT_MS),
      request<Ack>(onOwner, 'clock', pause, WAIT_MS),
    ]);
    expect(first.error?.code, JSON.stringify(first)).toBe('NOT_SAVED');
    expect(paused.error?.code, JSON.stringify(paused)).toBe('NOT_SAVED');
    const tick = tickOf(first);
    const pauseTick = tickOf(paused);

    // Redis answers the other process: the owner's lease runs out and the other takes the lab over.
    await ownedBy(other.id);
    const told = (c: Client) => {
      const seen: LabEvent[] = [];
      const on = (m: Event) => m.lab === 'lost' && /^lost: /.test(m.event.message) && seen.push(m.event);
      c.on('event', on);
      return { seen, off: () => c.off('event', on) };
    };
    const viewers = [told(onOther), told(onOwner)];

    // The owner's link comes back: its records, fenced out, are lost, and everyone is told.
    link.proc.kill('SIGCONT');
    for (const v of viewers) {
      await expect.poll(() => v.seen.length, { timeout: WAIT_MS }).toBe(2);
      v.off();
      const lostCommand = v.seen.find((e) => /web-1/.test(e.message))!;
      expect(lostCommand, JSON.stringify(v.seen)).toBeDefined();
      expect(lostCommand.tick).toBe(tick);
      expect(lostCommand.message).toMatch(new RegExp(`tick ${tick}\\b`));
      expect(lostCommand.message).toMatch(/another server.*took the lab over/);
      expect(lostCommand.command, 'not an applied command').toBeUndefined();
      const lostPause = v.seen.find((e) => /clock action "paused"/.test(e.message))!;
      expect(lostPause, JSON.stringify(v.seen)).toBeDefined();
      expect(lostPause.tick).toBe(pauseTick);
      expect(lostPause.message).toMatch(new RegExp(`tick ${pauseTick}\\b`));
    }

    // The lab's log keeps them where it runs now: a page joining later finds each once.
    const late = await client(other.url);
    const snap = waitFor<SnapshotMessage>(late, 'snapshot', (m) => m.lab === 'lost', WAIT_MS);
    expect((await request<Ack>(late, 'join', { lab: 'lost' }, WAIT_MS)).ok).toBe(true);
    const kept = (await snap).events.filter((e) => /^lost: /.test(e.message));
    late.disconnect();
    expect(kept.map((e) => e.tick).sort((a, b) => a - b)).toEqual([tick, pauseTick].sort((a, b) => a - b));

    // The truth: the lab runs on without them (not paused), and its log does not hold them.
    const log = await peek.xrange(keys.log('lost'), '-', '+');
    expect(log.map(([, f]) => f[1]).filter((r) => r?.includes(RID) || r?.includes(pause.requestId))).toEqual(
      [],
    );
    const state = await http(`${other.url}/api/labs/lost`);
    expect(state.status, state.text).toBe(200);
    expect(state.text).not.toContain('0.432');
    expect(state.body.data.paused).toBe(false);
    // It steps on there, past the lost command's tick: the new owner resumed at the tick the old one
    // had reached (that one, or one before) and takes its first step a tick (100 ms) later, which a
    // busy machine may not have given it yet.
    let ranTo = 0;
    await expect
      .poll(async () => (ranTo = (await http(`${other.url}/api/labs/lost`)).body.data.tick as number), {
        timeout: WAIT_MS,
        interval: 50,
      })
      .toBeGreaterThan(tick);

    // Sent again, as the notice says, it applies on the lab's new owner, where the lab stands now.
    const again = await request<Ack>(onOther, 'command', command, WAIT_MS);
    expect(again.ok, JSON.stringify(again)).toBe(true);
    expect(again.data!.tick).toBeGreaterThanOrEqual(ranTo);
  }, 90_000);
});
