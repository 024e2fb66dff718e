/**
 * The process running a lab killed (SIGKILL) while Redis answers every process, and no process left
 * has room to take the lab over (the other one runs a lab of its own at MAX_LABS=1). The other
 * process tells its viewer of the lab it is held (`held: "owner"`); a change sent to it for that lab
 * meanwhile, by socket or REST, must be refused at once as a held lab's is, UNAVAILABLE saying why
 * and that nothing was applied, and applied (once) when sent again after a process took the lab
 * over. Before, it waited 30 s for an owner that never came and was then answered "no answer … try
 * again" (socket) or "changing process" (REST).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, request, waitFor, type Client } from '../helpers.js';
import { ownerAndOther, stopCluster, type OwnerAndOther } from './fixture.js';
import { anchorLab, startServer, type ServerProcess } from './harness.js';

let cluster: OwnerAndOther | undefined;
let onOther: Client;
let other: ServerProcess;

/** Far longer than any bound of the server's: a busy machine must not fail the test. */
const WAIT_MS = 60_000;

type Held = { lab: string; held: string | null };
type Ack = { ok: boolean; data?: { tick: number }; error?: { code: string; message: string } };

beforeAll(async () => {
  cluster = await ownerAndOther('orphan', { otherEnv: { MAX_LABS: '1' } });
  ({ onOther, other } = cluster);
  await anchorLab(other);
}, 120_000);

afterAll(() => stopCluster(cluster));

describe('a change for a lab held because its owner went silent', () => {
  it('is refused at once, nothing applied, and applied once after the lab is taken over', async () => {
    const held = waitFor<Held>(onOther, 'held', (m) => m.lab === 'orphan' && m.held === 'owner', WAIT_MS);
    await cluster!.owner.kill('SIGKILL');
    await held;

    const cmd = {
      lab: 'orphan',
      type: 'setLoad',
      vps: 'web-1',
      load: { cpu: 0.37 },
      requestId: 'orphan-1',
    };
    const refused = await request<Ack>(onOther, 'command', cmd, WAIT_MS);
    expect(refused.error?.code, JSON.stringify(refused)).toBe('UNAVAILABLE');
    expect(refused.error?.message).toMatch(/held.*gone silent.*nothing was applied/);

    const clock = await request<Ack>(
      onOther,
      'clock',
      { lab: 'orphan', action: 'pause', requestId: 'orphan-2' },
      WAIT_MS,
    );
    expect(clock.error?.code, JSON.stringify(clock)).toBe('UNAVAILABLE');
    expect(clock.error?.message).toMatch(/held.*gone silent.*nothing was applied/);

    const rest = await http(`${other.url}/api/labs/orphan/commands`, {
      method: 'POST',
      body: { type: 'setLoad', vps: 'db-1', load: { cpu: 0.41 } },
    });
    expect(rest.status, rest.text).toBe(503);
    expect(rest.body.error.code).toBe('UNAVAILABLE');
    expect(rest.body.error.message).toMatch(/held.*gone silent.*nothing was applied/);

    // A process with room takes the lab over: the same command, sent again, applies there, once.
    const live = waitFor<Held>(onOther, 'held', (m) => m.lab === 'orphan' && m.held === null, WAIT_MS);
    const taker = await startServer(cluster!.redis.url);
    await live;
    const applied = await request<Ack>(onOther, 'command', cmd, WAIT_MS);
    expect(applied.ok, JSON.stringify(applied)).toBe(true);
    const again = await request<Ack>(onOther, 'command', cmd, WAIT_MS);
    expect(again, 'answered as applied, not applied again').toEqual(applied);
    const state = await http(`${taker.url}/api/labs/orphan`);
    expect(state.status, state.text).toBe(200);
    const web = state.body.data.vps.find((v: { id: string }) => v.id === 'web-1');
    expect(web.load.cpu).toBe(0.37);
    const db = state.body.data.vps.find((v: { id: string }) => v.id === 'db-1');
    expect(db.load.cpu, 'the refused REST command was not applied').not.toBe(0.41);
  }, 240_000);
});
