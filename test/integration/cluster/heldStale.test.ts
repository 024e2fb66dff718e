/**
 * Redis answers the process running a lab late, then freezes: the owner's lease renewal and its
 * probe of Redis ran in Redis just before it froze (Redis renewed the lease), but their replies
 * reach the owner only after it held the lab and told its viewer so (the replies held back by the
 * owner's own link to Redis, as a busy process or network delays them). A reply to something sent
 * before the hold says nothing of Redis now: the lab must stay held, refusing every change, until
 * Redis answers again. Before, the late renewal made the lease look fresh and the late probe made
 * Redis look answering: the owner told its viewer the lab was live again and applied a change it
 * could not record (NOT_SAVED), while Redis stayed frozen.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, request, waitFor, type Client } from '../helpers.js';
import { oneOwner, stopCluster, type OneOwner } from './fixture.js';
import type { RedisHandle, RedisLink, ServerProcess } from './harness.js';

let cluster: OneOwner | undefined;
let redis: RedisHandle;
let link: RedisLink;
let owner: ServerProcess;
let onOwner: Client;

/** Far longer than any bound of the server's: a busy machine must not fail the test. */
const WAIT_MS = 30_000;
/** How long changes are sent while Redis stays frozen (past the lease's late renewal, 2.5 s at most). */
const SENDING_MS = 4000;

type Ack = { ok: boolean; error?: { code: string; message: string } };
type Held = { lab: string; held: string | null };

beforeAll(async () => {
  cluster = await oneOwner('stale', { link: true });
  ({ redis, owner, onOwner } = cluster);
  link = cluster.link!;
  // The lab alone on its owner: the owner renews its leases one after another.
  const gone = await http(`${owner.url}/api/labs/demo`, { method: 'DELETE' });
  expect(gone.status, gone.text).toBe(200);
}, 120_000);

afterAll(() => stopCluster(cluster));

describe('a lab held while Redis froze, its owner getting replies sent before the hold', () => {
  it('stays held and applies no change until Redis answers again', async () => {
    const told: string[] = [];
    onOwner.on('held', (m: Held) => m.lab === 'stale' && told.push(`held ${m.held}`));
    onOwner.on('frame', (m: { lab: string }) => m.lab === 'stale' && told.push('frame'));

    // Redis runs the owner's commands, its replies held back: the lease runs out at the owner.
    const held = waitFor<Held>(onOwner, 'held', (m) => m.lab === 'stale' && m.held === 'store', WAIT_MS);
    link.proc.kill('SIGUSR1');
    await held;
    // Redis freezes, and the replies it gave before reach the owner.
    redis.proc.kill('SIGSTOP');
    told.length = 0;
    link.proc.kill('SIGUSR2');

    // Changes sent all along while Redis stays frozen: each refused, nothing applied.
    const answers: Promise<Ack>[] = [];
    const until = performance.now() + SENDING_MS;
    while (performance.now() < until) {
      answers.push(
        request<Ack>(onOwner, 'clock', { lab: 'stale', action: 'pause', requestId: randomUUID() }, WAIT_MS),
      );
      await new Promise((r) => setTimeout(r, 100));
    }
    const codes = (await Promise.all(answers)).map((a) => (a.ok ? 'applied' : a.error!.code));
    expect(codes.length).toBeGreaterThan(10);
    expect(codes.filter((c) => c !== 'UNAVAILABLE')).toEqual([]);
    // Its viewer was never told it is live meanwhile, nor sent frames.
    expect(told).toEqual([]);

    // Redis answers again: the lab steps again, not paused.
    const live = waitFor<Held>(onOwner, 'held', (m) => m.lab === 'stale' && m.held === null, WAIT_MS);
    redis.proc.kill('SIGCONT');
    await live;
    const lab = await http(`${owner.url}/api/labs/stale`);
    expect(lab.status, lab.text).toBe(200);
    expect(lab.body.data.paused).toBe(false);
  }, 60_000);
});
