/**
 * The process running a lab killed (SIGKILL) while Redis answers every process, and no process left
 * has room to take the lab over (the other one runs a lab of its own at MAX_LABS=1), as in
 * ownerHeld.test.ts, but the other process has no viewer of the lab: it never told anyone the lab is
 * held. A change sent to it for the lab meanwhile (a command or clock action by socket from a client
 * that did not join the lab, a command, a reset or a deletion over REST) must still be refused at
 * once, UNAVAILABLE saying the lab is held and nothing was applied, and nothing changed; once a
 * process with room took the lab over, the same requests (same request ids) apply once, and a reset
 * and a deletion work. Before, each waited 30 s for an owner that never came and was then answered
 * "no answer … try again" (socket) or "changing process" (REST). A change while the owner is merely
 * slow (stopped for less than a second, its lease renewed) still goes through.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { LEASE_TTL_MS } from '../../../server/cluster/node.js';
import { client, http, request, type Client } from '../helpers.js';
import { anchorLab, startServer, stopAll, twoProcesses, type ServerProcess } from './harness.js';

let redisUrl: string;
let peek: Redis;
let owner: ServerProcess;
let other: ServerProcess;
let taker: ServerProcess | undefined;
/** A client of the other process that joined no lab: the other process has no viewer of it. */
let sender: Client;
/** The lab's tick before its owner was killed. */
let tickBefore = 0;

const LAB = 'lonely';
/** Far longer than any bound of the server's; an answer after 30 s (its wait for an owner) is the defect. */
const WAIT_MS = 45_000;
/** The server reads the lease and the processes, each bounded to 1 s: an answer at once comes within this. */
const AT_ONCE_MS = 5000;
/** The lease lives 3 s unless renewed; past 2.5 s unrenewed its owner holds the lab (leases.ts validMs). */
const SILENT_BELOW_MS = 500;
const HELD = /held.*gone silent.*nothing was applied/;

type Ack = { ok: boolean; data?: { tick: number }; error?: { code: string; message: string } };
type Vps = { id: string; load: { cpu: number } };

const load = (vps: string, cpu: number) => ({ type: 'setLoad', vps, load: { cpu } });
const cmd = { lab: LAB, ...load('web-1', 0.37), requestId: 'lonely-1' };
const restCommand = () =>
  http(`${other.url}/api/labs/${LAB}/commands`, {
    method: 'POST',
    body: load('db-1', 0.41),
    headers: { 'Idempotency-Key': 'lonely-3' },
  });
const owns = async (p: ServerProcess): Promise<string[]> => (await http(`${p.url}/healthz`)).body.data.owns;
async function appliedAt(p: ServerProcess, vps: string, cpu: number): Promise<number[]> {
  const r = await http(`${p.url}/api/labs/${LAB}/scenario`);
  expect(r.status, r.text).toBe(200);
  const events = r.body.data.events as {
    atTick: number;
    type: string;
    vps?: string;
    load?: { cpu?: number };
  }[];
  return events
    .filter((e) => e.type === 'setLoad' && e.vps === vps && e.load?.cpu === cpu)
    .map((e) => e.atTick);
}

/** `p` with how long it took to settle, ms. */
async function timed<T>(p: Promise<T>): Promise<{ value: T; ms: number }> {
  const at = performance.now();
  const value = await p;
  return { value, ms: performance.now() - at };
}

beforeAll(async () => {
  ({
    redis: { url: redisUrl },
    owner,
    other,
  } = await twoProcesses(LAB, { otherEnv: { MAX_LABS: '1' } }));
  // The other process runs a lab of its own: at MAX_LABS, it takes no lab over.
  await anchorLab(other);
  peek = new Redis(redisUrl, { maxRetriesPerRequest: null });
  peek.on('error', () => undefined);
  sender = await client(other.url);
}, 120_000);

afterAll(async () => {
  if (owner?.proc.signalCode === 'SIGSTOP') owner.proc.kill('SIGCONT');
  sender?.disconnect();
  peek?.disconnect();
  await stopAll();
});

describe('a change for a held lab sent to a process with no viewer of it', () => {
  it('goes through while the owner is merely slow, its lease renewed', async () => {
    // Paused just after it renewed the lease, so its 800 ms pause leaves the lease far from short
    // even when this test's timers run late on a busy machine.
    const until = Date.now() + 10_000;
    let last = await peek.pttl(keys.lease(LAB));
    while (Date.now() < until) {
      const pttl = await peek.pttl(keys.lease(LAB));
      if (pttl > last && pttl > LEASE_TTL_MS - 100) break;
      last = pttl;
    }
    owner.proc.kill('SIGSTOP');
    let sent: ReturnType<typeof restCommand> | undefined;
    try {
      await new Promise((w) => setTimeout(w, 500));
      sent = http(`${other.url}/api/labs/${LAB}/commands`, { method: 'POST', body: load('web-1', 0.23) });
      await new Promise((w) => setTimeout(w, 300));
    } finally {
      owner.proc.kill('SIGCONT');
    }
    const slow = await sent!;
    expect(slow.status, slow.text).toBe(200);
    expect(await appliedAt(owner, 'web-1', 0.23)).toEqual([slow.body.data.tick]);
  }, 60_000);

  it('is refused at once, nothing applied, a reset and a deletion too, once its owner died', async () => {
    tickBefore = (await http(`${owner.url}/api/labs/${LAB}`)).body.data.tick;
    await owner.kill('SIGKILL');
    // The lease, unrenewed past the time its owner would hold the lab, says the owner is silent.
    for (;;) {
      const pttl = await peek.pttl(keys.lease(LAB));
      if (pttl === -2 || (pttl >= 0 && pttl < SILENT_BELOW_MS)) break;
      await new Promise((w) => setTimeout(w, 50));
    }
    const [bySocket, clock, byRest, reset, deleted] = await Promise.all([
      timed(request<Ack>(sender, 'command', cmd, WAIT_MS)),
      timed(request<Ack>(sender, 'clock', { lab: LAB, action: 'pause', requestId: 'lonely-2' }, WAIT_MS)),
      timed(restCommand()),
      timed(http(`${other.url}/api/labs/${LAB}/reset`, { method: 'POST' })),
      timed(http(`${other.url}/api/labs/${LAB}`, { method: 'DELETE' })),
    ]);
    for (const [what, ack] of [
      ['socket command', bySocket.value],
      ['socket clock action', clock.value],
    ] as const) {
      expect(ack.error?.code, `${what}: ${JSON.stringify(ack)}`).toBe('UNAVAILABLE');
      expect(ack.error?.message, what).toMatch(HELD);
    }
    for (const [what, r] of [
      ['REST command', byRest.value],
      ['reset', reset.value],
      ['deletion', deleted.value],
    ] as const) {
      expect(r.status, `${what}: ${r.text}`).toBe(503);
      expect(r.body.error.code, what).toBe('UNAVAILABLE');
      expect(r.body.error.message, what).toMatch(HELD);
    }
    const took = [bySocket, clock, byRest, reset, deleted].map((t) => Math.round(t.ms));
    expect(Math.max(...took), `answered after ${took.join(', ')} ms`).toBeLessThan(AT_ONCE_MS);
    // Not deleted: still one of the service's labs.
    expect(await peek.hexists(keys.labs, LAB)).toBe(1);
  }, 60_000);

  it('applies the same requests once after a process took the lab over, and resets and deletes it', async () => {
    taker = await startServer(redisUrl);
    const until = performance.now() + WAIT_MS;
    while (!(await owns(taker)).includes(LAB) && performance.now() < until)
      await new Promise((w) => setTimeout(w, 100));
    expect(await owns(taker)).toContain(LAB);
    // Nothing refused was applied: not reset (it resumed where it stood), not paused, loads unchanged.
    const state = (await http(`${taker.url}/api/labs/${LAB}`)).body.data as {
      tick: number;
      paused: boolean;
      vps: Vps[];
    };
    expect(state.tick).toBeGreaterThanOrEqual(tickBefore);
    expect(state.paused).toBe(false);
    expect(state.vps.find((v) => v.id === 'web-1')?.load.cpu).not.toBe(0.37);
    expect(state.vps.find((v) => v.id === 'db-1')?.load.cpu).not.toBe(0.41);

    // The same requests, sent again with their request ids, apply once.
    const applied = await request<Ack>(sender, 'command', cmd, WAIT_MS);
    expect(applied.ok, JSON.stringify(applied)).toBe(true);
    expect(await request<Ack>(sender, 'command', cmd, WAIT_MS)).toEqual(applied);
    const rest = await restCommand();
    expect(rest.status, rest.text).toBe(200);
    expect((await restCommand()).body).toEqual(rest.body);
    expect(await appliedAt(taker, 'web-1', 0.37)).toEqual([applied.data!.tick]);
    expect(await appliedAt(taker, 'db-1', 0.41)).toEqual([rest.body.data.tick]);

    const reset = await http(`${other.url}/api/labs/${LAB}/reset`, { method: 'POST' });
    expect(reset.status, reset.text).toBe(200);
    expect(await appliedAt(taker, 'web-1', 0.37), 'its log starts again').toEqual([]);
    const deleted = await http(`${other.url}/api/labs/${LAB}`, { method: 'DELETE' });
    expect(deleted.status, deleted.text).toBe(200);
    expect((await http(`${other.url}/api/labs/${LAB}`)).status).toBe(404);
    expect(await peek.hexists(keys.labs, LAB)).toBe(0);
  }, 60_000);
});
