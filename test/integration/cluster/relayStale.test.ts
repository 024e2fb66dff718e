/**
 * Redis answers a process that does not run a lab late, then freezes: the process's probe of Redis
 * ran in Redis just before it froze, but its reply reaches the process only after it told its
 * viewer of the lab that the lab is held for it (relay: no frames can come). A reply to a probe sent
 * before the process judged Redis quiet says nothing of Redis now: the viewer must not be told the
 * lab is live again, nor the process say Redis answers, until Redis answers again. Before, the late
 * reply counted from when it arrived: the viewer was told the lab is live, Redis frozen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, waitFor, type Client } from '../helpers.js';
import { ownerAndOther, stopCluster, type OwnerAndOther } from './fixture.js';
import type { RedisHandle, RedisLink, ServerProcess } from './harness.js';

let cluster: OwnerAndOther | undefined;
let redis: RedisHandle;
let link: RedisLink;
let other: ServerProcess;
let onOther: Client;

/** Far longer than any bound of the server's: a busy machine must not fail the test. */
const WAIT_MS = 30_000;
/** How long the viewer is watched while Redis stays frozen (past the late reply's 2 s of credit). */
const WATCH_MS = 3000;

type Held = { lab: string; held: string | null };

beforeAll(async () => {
  cluster = await ownerAndOther('relayed', { otherLink: true });
  ({ redis, other, onOther } = cluster);
  link = cluster.otherLink!;
}, 120_000);

afterAll(() => stopCluster(cluster));

const answers = async () => (await http(`${other.url}/healthz`)).body.data.redisAnswers as boolean;

describe('a viewer told its lab is held for it, its process getting a reply sent before', () => {
  it('is not told the lab is live until Redis answers again', async () => {
    const told: string[] = [];
    onOther.on('held', (m: Held) => m.lab === 'relayed' && told.push(`held ${m.held}`));

    // Redis runs the other process's commands, its replies held back: it goes quiet there.
    const held = waitFor<Held>(onOther, 'held', (m) => m.lab === 'relayed' && m.held === 'relay', WAIT_MS);
    link.proc.kill('SIGUSR1');
    await held;
    // Redis freezes, and the replies it gave before reach the process.
    redis.proc.kill('SIGSTOP');
    told.length = 0;
    link.proc.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, WATCH_MS));
    expect(told).toEqual([]);
    expect(await answers()).toBe(false);

    // Redis answers again: the viewer is told, and frames come.
    const live = waitFor<Held>(onOther, 'held', (m) => m.lab === 'relayed' && m.held === null, WAIT_MS);
    redis.proc.kill('SIGCONT');
    await live;
    await waitFor(onOther, 'frame', (m: { lab: string }) => m.lab === 'relayed', WAIT_MS);
    expect(await answers()).toBe(true);
  }, 60_000);
});
