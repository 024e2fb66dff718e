/**
 * Redis stops answering the process running a lab alone (its own link to Redis stopped: packets
 * dropped, connection open) while it answers another process with a viewer of the lab (a process
 * that runs a lab of its own and MAX_LABS=1, so it never takes this one over). The lab's frames
 * stop at once for that viewer, and the owner's word of its hold cannot reach it. Its own process
 * must tell it the lab is held (held: "owner": its owner went silent) once the owner holds it, and tell it again
 * (held: null) once the owner's link is back, before any frame of a tick stepped after the hold
 * (frames the owner sent before it held the lab may come late). Before, it was told nothing: its
 * charts stopped under "Live".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type Client } from '../helpers.js';
import { ownerAndOther, stopCluster, type OwnerAndOther } from './fixture.js';
import { anchorLab, type RedisLink } from './harness.js';

let cluster: OwnerAndOther | undefined;
let link: RedisLink;
let onOther: Client;
let onOwner: Client;

/** Far longer than any bound of the server's: a busy machine must not fail the test. */
const WAIT_MS = 30_000;

type Held = { lab: string; held: string | null };
type Frame = { lab: string; tick: number };

beforeAll(async () => {
  cluster = await ownerAndOther('silent', { link: true, otherEnv: { MAX_LABS: '1' } });
  ({ onOther, onOwner } = cluster);
  link = cluster.link!;
  // The other process runs a lab of its own: at MAX_LABS, it takes no lab over.
  const { other } = cluster;
  await anchorLab(other);
}, 120_000);

afterAll(() => stopCluster(cluster));

describe('a viewer on another process when Redis stops answering the lab’s owner alone', () => {
  it('is told the lab is held while its owner is silent, and live again before its frames', async () => {
    const told: (string | number)[] = [];
    onOther.on('held', (m: Held) => m.lab === 'silent' && told.push(`held ${m.held}`));
    onOther.on('frame', (m: Frame) => m.lab === 'silent' && told.push(m.tick));
    // The last tick the owner stepped before it held the lab, as its own viewer saw it.
    let stepped = -1;
    const onOwnerFrame = (m: Frame) => m.lab === 'silent' && (stepped = Math.max(stepped, m.tick));
    onOwner.on('frame', onOwnerFrame);

    const ownerHeld = waitFor<Held>(
      onOwner,
      'held',
      (m) => m.lab === 'silent' && m.held === 'store',
      WAIT_MS,
    );
    const held = waitFor<Held>(onOther, 'held', (m) => m.lab === 'silent' && m.held === 'owner', WAIT_MS);
    link.proc.kill('SIGSTOP');
    await Promise.all([ownerHeld, held]);
    onOwner.off('frame', onOwnerFrame);
    const since = told.indexOf('held owner');

    // The owner's link comes back: the viewer is told the lab steps, then frames come.
    const live = waitFor<Held>(onOther, 'held', (m) => m.lab === 'silent' && m.held === null, WAIT_MS);
    link.proc.kill('SIGCONT');
    await live;
    await waitFor(onOther, 'frame', (m: { lab: string }) => m.lab === 'silent', WAIT_MS);
    const after = told.slice(since, told.indexOf('held null', since) + 1);
    expect(after[after.length - 1]).toBe('held null');
    expect(stepped).toBeGreaterThanOrEqual(0);
    const newer = after.filter((t) => typeof t === 'number' && t > stepped);
    expect(newer, `stepped up to ${stepped}; told ${JSON.stringify(told)}`).toEqual([]);
  }, 60_000);
});
