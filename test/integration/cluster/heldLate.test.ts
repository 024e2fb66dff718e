/**
 * Redis frozen (SIGSTOP), then thawed, or killed and started again empty, under an owner and another process, each
 * with a viewer of the owner's lab. The owner holds the lab and says so to its viewers; the other
 * process tells its own viewer the lab is held for it (relay) and, once Redis answers, that it is
 * not. A viewer on the other process must never be told afterwards that the lab is held: the
 * owner's word of its holding could only reach it through Redis once Redis answers again, when
 * the owner no longer holds the lab (before, it came after frames flowed again: a moment of
 * "Held" on a live lab).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type Client } from '../helpers.js';
import { ownerAndOther, stopCluster, type OwnerAndOther } from './fixture.js';
import type { RedisHandle } from './harness.js';

let cluster: OwnerAndOther | undefined;
let redis: RedisHandle;
let onOwner: Client;
let onOther: Client;

type Held = { lab: string; held: string | null };
type Frame = { lab: string; tick: number };

/** Far longer than any bound of the server's: a busy machine must not fail the test. */
const WAIT_MS = 30_000;

beforeAll(async () => {
  cluster = await ownerAndOther('back');
  ({ redis, onOwner, onOther } = cluster);
}, 120_000);

afterAll(() => stopCluster(cluster));

/**
 * Redis goes away (`away`) and comes back (`back`): resolves with what the other process's viewer
 * was told from its relay hold on, until it had frames well past the owner's release.
 */
async function outage(away: () => unknown, back: () => Promise<unknown>): Promise<string[]> {
  const told: string[] = [];
  const onHeld = (m: Held) => m.lab === 'back' && told.push(`held ${m.held}`);
  const onFrame = (m: Frame) => m.lab === 'back' && told.push(`frame ${m.tick}`);
  const ownerHeld = waitFor<Held>(onOwner, 'held', (m) => m.lab === 'back' && m.held === 'store', WAIT_MS);
  const relayHeld = waitFor<Held>(onOther, 'held', (m) => m.lab === 'back' && m.held === 'relay', WAIT_MS);
  await away();
  await Promise.all([ownerHeld, relayHeld]);
  onOther.on('held', onHeld);
  onOther.on('frame', onFrame);
  try {
    const released = waitFor<Held>(onOwner, 'held', (m) => m.lab === 'back' && m.held === null, WAIT_MS);
    await back();
    await released;
    const { tick } = await waitFor<Frame>(onOwner, 'frame', (m) => m.lab === 'back', WAIT_MS);
    await waitFor<Frame>(onOther, 'frame', (m) => m.lab === 'back' && m.tick >= tick + 10, WAIT_MS);
  } finally {
    onOther.off('held', onHeld);
    onOther.off('frame', onFrame);
  }
  return told;
}

/** What the viewer was told once it was told the lab is live (held: null, or a frame). */
function afterLive(told: string[]): string[] {
  const live = told.findIndex((t) => t === 'held null' || t.startsWith('frame'));
  return live < 0 ? [] : told.slice(live);
}

describe('a viewer on another process, once Redis answers again', () => {
  it('is never told the lab is held once it is live again (Redis frozen)', async () => {
    const told = await outage(
      () => redis.proc.kill('SIGSTOP'),
      async () => redis.proc.kill('SIGCONT'),
    );
    expect(told).toContain('held null');
    expect(afterLive(told).filter((t) => t.startsWith('held') && t !== 'held null')).toEqual([]);
  }, 60_000);

  it('is never told the lab is held once it is live again (Redis frozen, killed, started again)', async () => {
    const told = await outage(
      () => redis.proc.kill('SIGSTOP'),
      async () => {
        await redis.kill();
        await redis.restart();
      },
    );
    expect(told).toContain('held null');
    expect(afterLive(told).filter((t) => t.startsWith('held') && t !== 'held null')).toEqual([]);
  }, 60_000);
});
