/**
 * Viewers connected to a process that does not run their lab: its frames reach them through Redis.
 * With Redis frozen (SIGSTOP), then killed and started again empty, those viewers get no frame,
 * and the owner cannot tell them anything either: the process they are connected to must tell
 * them the lab is held for them (`held`), a viewer joining meanwhile too, and tell them again once
 * frames can flow (`held: null`), after which frames come again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, request, waitFor, type Client } from '../helpers.js';
import { logsIfFailed, ownerAndOther, stopCluster, type OwnerAndOther } from './fixture.js';
import type { RedisHandle, ServerProcess } from './harness.js';

let cluster: OwnerAndOther | undefined;
let redis: RedisHandle;
let other: ServerProcess;
let onOwner: Client;
let onOther: Client;

type Held = { lab: string; held: string | null };

beforeAll(async () => {
  cluster = await ownerAndOther('far');
  ({ redis, other, onOwner, onOther } = cluster);
}, 120_000);

afterAll(() => stopCluster(cluster));

const heldFar = (m: Held) => m.lab === 'far' && m.held !== null;
const freed = (m: Held) => m.lab === 'far' && m.held === null;
const frameOfFar = (m: { lab?: string }) => m.lab === 'far';

describe('viewers on a process that does not run the lab, while Redis does not answer', () => {
  it('are told the lab is held for them, and told again once frames flow', async () => {
    logsIfFailed(cluster);
    // Frozen: neither process hears Redis; the owner holds the lab, the other must say so itself.
    redis.proc.kill('SIGSTOP');
    const held = await waitFor<Held>(onOther, 'held', heldFar, 15_000);
    expect(held.held).toBe('relay');

    // A viewer joining meanwhile on that process is answered and told at once.
    const late = await client(other.url);
    const lateHeld = waitFor<Held>(late, 'held', heldFar, 15_000);
    const joined = await request<{ ok: boolean }>(late, 'join', { lab: 'far' }, 15_000);
    expect(joined.ok).toBe(true);
    expect((await lateHeld).held).toBe('relay');

    redis.proc.kill('SIGCONT');
    await waitFor<Held>(onOther, 'held', freed, 30_000);
    await waitFor<Held>(late, 'held', freed, 30_000);
    await waitFor(onOther, 'frame', frameOfFar, 30_000);
    // The late viewer joins again for the snapshot it could not have, and frames follow.
    const snap = waitFor(late, 'snapshot', frameOfFar, 30_000);
    expect((await request<{ ok: boolean }>(late, 'join', { lab: 'far' }, 15_000)).ok).toBe(true);
    await snap;
    await waitFor(late, 'frame', frameOfFar, 30_000);
    late.disconnect();

    // Killed: the owner runs on (its own viewer sees frames), the other process's viewer is told.
    await redis.kill();
    const killedHeld = await waitFor<Held>(onOther, 'held', heldFar, 15_000);
    expect(killedHeld.held).toBe('relay');
    await waitFor(onOwner, 'frame', frameOfFar, 15_000);

    await redis.restart();
    await waitFor<Held>(onOther, 'held', freed, 30_000);
    await waitFor(onOther, 'frame', frameOfFar, 30_000);

    // What the process said of it, in order: Redis silent, the viewers told, Redis back, told again.
    const said = other
      .output()
      .split('\n')
      .map(
        (l) => /"msg":"(Redis does not answer[^"]*|Redis answers again|viewers here told[^"]*)"/.exec(l)?.[1],
      )
      .filter((m) => m !== undefined);
    expect(said.slice(0, 4)).toEqual([
      expect.stringMatching(/^Redis does not answer/),
      'viewers here told the lab is held',
      'Redis answers again',
      'viewers here told the lab steps again',
    ]);
    // The owner held the lab while Redis was frozen, and said so.
    const owned = cluster!.owner
      .output()
      .split('\n')
      .filter((l) => l.includes('"lab":"far"'))
      .map((l) => /"msg":"(lab held[^"]*|lab steps again)"/.exec(l)?.[1])
      .filter((m) => m !== undefined);
    expect(owned.slice(0, 2)).toEqual(['lab held: not stepped, changes refused', 'lab steps again']);
  }, 150_000);
});
