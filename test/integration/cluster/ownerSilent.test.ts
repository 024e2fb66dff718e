/**
 * Redis stops answering the process running a lab alone (its own link to Redis stopped: packets
 * dropped, connection open) while it answers another process with a viewer of the lab. The lab's
 * frames stop at once for that viewer, and the owner's word of its hold cannot reach it. Its own
 * process must tell it the lab is held (held: "store") as soon as the owner's lease goes unrenewed,
 * before another process takes the lab over, and tell it again (held: null) once frames can come,
 * with no frame in between. Before, it was told nothing: its charts stopped under "Live" until the
 * takeover's frames came.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type Client } from '../helpers.js';
import { ownerAndOther, stopCluster, type OwnerAndOther } from './fixture.js';
import type { RedisLink } from './harness.js';

let cluster: OwnerAndOther | undefined;
let link: RedisLink;
let onOther: Client;

/** Far longer than any bound of the server's: a busy machine must not fail the test. */
const WAIT_MS = 30_000;

type Held = { lab: string; held: string | null };

beforeAll(async () => {
  cluster = await ownerAndOther('silent', { link: true });
  ({ onOther } = cluster);
  link = cluster.link!;
}, 120_000);

afterAll(() => stopCluster(cluster));

describe('a viewer on another process when Redis stops answering the lab’s owner alone', () => {
  it('is told the lab is held as soon as its owner falls silent, and live again once frames come', async () => {
    const told: string[] = [];
    onOther.on('held', (m: Held) => m.lab === 'silent' && told.push(`held ${m.held}`));
    onOther.on('frame', (m: { lab: string }) => m.lab === 'silent' && told.push('frame'));

    const held = waitFor<Held>(onOther, 'held', (m) => m.lab === 'silent' && m.held === 'store', WAIT_MS);
    link.proc.kill('SIGSTOP');
    await held;

    // The lab is taken over by the other process (or the owner speaks again): told, then frames.
    await waitFor<Held>(onOther, 'held', (m) => m.lab === 'silent' && m.held === null, WAIT_MS);
    await waitFor(onOther, 'frame', (m: { lab: string }) => m.lab === 'silent', WAIT_MS);
    link.proc.kill('SIGCONT');

    const since = told.indexOf('held store');
    const after = told.slice(since, told.indexOf('held null', since) + 1);
    expect(after[after.length - 1]).toBe('held null');
    expect(
      after.filter((t) => t === 'frame'),
      JSON.stringify(told),
    ).toEqual([]);
  }, 60_000);
});
