/**
 * A clock action is applied once, whoever sends it again with its request id: the owner of a
 * paused lab acknowledges "step 5" and dies (SIGKILL); the same step sent again to the process
 * that took the lab over gets the first answer, and the lab has stepped 5 ticks, not 10. A step
 * whose owner dies before answering is sent again to the new owner (it is applied once there too)
 * and answered with the tick it left, instead of "no answer, try again".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, http, request, type Client } from '../helpers.js';
import { startServer, stopAll, twoProcesses, type RedisHandle, type ServerProcess } from './harness.js';

let redis: RedisHandle;
let owner: ServerProcess;
let other: ServerProcess;
let sender: Client;
/** Every server process started, in order. */
const started: ServerProcess[] = [];

beforeAll(async () => {
  ({ redis, owner, other } = await twoProcesses('class'));
  started.push(owner, other);
  sender = await client(other.url);
}, 120_000);

afterAll(async () => {
  sender?.disconnect();
  await stopAll();
});

interface ClockAck {
  ok: boolean;
  data?: { tick: number; speed: number; paused: boolean };
  error?: { code: string; message: string };
}

const owns = async (p: ServerProcess): Promise<boolean> =>
  ((await http(`${p.url}/healthz`)).body.data.owns as string[]).includes('class');

async function waitOwner(p: ServerProcess): Promise<void> {
  for (let i = 0; i < 600 && !(await owns(p)); i++) await new Promise((w) => setTimeout(w, 100));
  expect(await owns(p)).toBe(true);
}

const clock = (socket: Client, requestId: string, action: object) =>
  request<ClockAck>(socket, 'clock', { lab: 'class', requestId, ...action }, 60_000);

/** The process that runs the lab now, among those started here. */
async function ownerProcess(): Promise<ServerProcess> {
  for (const p of started)
    if (p.proc.exitCode === null && p.proc.signalCode === null && (await owns(p))) return p;
  throw new Error('no process runs the lab');
}

const labTick = async (p: ServerProcess) => (await http(`${p.url}/api/labs/class`)).body.data.tick as number;

describe('a clock action sent again with its request id', () => {
  it('is applied once across a kill -9 of the owner that acknowledged it', async () => {
    expect(await owns(owner)).toBe(true);
    const paused = await clock(sender, 'pause-1', { action: 'pause' });
    expect(paused.ok, JSON.stringify(paused)).toBe(true);
    const stepped = await clock(sender, 'step-1', { action: 'step', ticks: 5 });
    expect(stepped, JSON.stringify(stepped)).toMatchObject({ ok: true, data: { paused: true } });
    expect(stepped.data!.tick).toBe(paused.data!.tick + 5);
    await owner.kill('SIGKILL');
    await waitOwner(other);
    expect(await labTick(other)).toBe(stepped.data!.tick);

    // The sender got no answer it trusts (say), and sends both again with their ids.
    expect(await clock(sender, 'step-1', { action: 'step', ticks: 5 })).toEqual(stepped);
    expect(await clock(sender, 'pause-1', { action: 'pause' })).toEqual(paused);
    expect(await labTick(other)).toBe(stepped.data!.tick);
    // The same id with another action is refused, naming it, and changes nothing.
    const reused = await clock(sender, 'step-1', { action: 'step', ticks: 6 });
    expect(reused).toMatchObject({ ok: false, error: { code: 'CONFLICT', path: 'requestId' } });
    expect(await labTick(other)).toBe(stepped.data!.tick);
  }, 120_000);

  it('a step whose owner dies unanswered is answered by the new owner, applied once', async () => {
    const third = await startServer(redis.url);
    started.push(third);
    const viewer = await client(third.url);
    try {
      const before = await labTick(other);
      const step = clock(viewer, 'step-2', { action: 'step', ticks: 3 });
      await new Promise((w) => setTimeout(w, 15));
      await other.kill('SIGKILL');
      await waitOwner(third);
      const answer = await step;
      expect(answer, JSON.stringify(answer)).toMatchObject({ ok: true, data: { paused: true } });
      // Applied by the dead owner and saved, or by the new one: once either way. (Had the dead owner
      // sent the 3 ticks to viewers before its record was saved, the new owner runs to them first:
      // ticks a viewer saw are never taken back.)
      expect([before + 3, before + 6]).toContain(answer.data!.tick);
      expect(await labTick(third)).toBe(answer.data!.tick);
      expect(await clock(viewer, 'step-2', { action: 'step', ticks: 3 })).toEqual(answer);
      expect(await labTick(third)).toBe(answer.data!.tick);
    } finally {
      viewer.disconnect();
    }
  }, 120_000);

  it('a step over REST forwarded to an owner that dies without answering is applied by the new owner', async () => {
    // The lab runs on `third` now (the last test's new owner); a fourth process forwards to it.
    const owner = await ownerProcess();
    const fourth = await startServer(redis.url);
    const before = await labTick(owner);
    // Frozen: it takes the connection (the kernel does) but never answers; then it dies.
    owner.proc.kill('SIGSTOP');
    const step = http(`${fourth.url}/api/labs/class/clock`, {
      method: 'POST',
      body: { action: 'step', ticks: 2 },
      headers: { 'Idempotency-Key': 'rest-step-1' },
    });
    await new Promise((w) => setTimeout(w, 500));
    await owner.kill('SIGKILL');
    const answer = await step;
    expect(answer.body, answer.text).toMatchObject({ ok: true, data: { paused: true } });
    expect(answer.body.data.tick).toBe(before + 2);
    await waitOwner(fourth);
    expect(await labTick(fourth)).toBe(before + 2);
    // Sent again with its key: the same answer, stepped once.
    const again = await http(`${fourth.url}/api/labs/class/clock`, {
      method: 'POST',
      body: { action: 'step', ticks: 2 },
      headers: { 'Idempotency-Key': 'rest-step-1' },
    });
    expect(again.body).toEqual(answer.body);
    expect(await labTick(fourth)).toBe(before + 2);
  }, 120_000);
});
