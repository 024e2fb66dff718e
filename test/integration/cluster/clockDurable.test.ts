/**
 * A clock action is saved to Redis when it is acknowledged: the owner of a lab, SIGKILLed right
 * after a pause's acknowledgement (a speed set before it), hands the lab to the other process
 * paused at that tick, at that speed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../helpers.js';
import { stopAll, twoProcesses, type ServerProcess } from './harness.js';

let owner: ServerProcess;
let other: ServerProcess;

beforeAll(async () => {
  ({ owner, other } = await twoProcesses('class'));
}, 120_000);

afterAll(async () => {
  await stopAll();
});

interface Pace {
  tick: number;
  speed: number;
  paused: boolean;
}

const owns = async (p: ServerProcess): Promise<boolean> =>
  ((await http(`${p.url}/healthz`)).body.data.owns as string[]).includes('class');

describe('the owner of a paused lab dies', () => {
  it('the new owner has the lab paused at the tick and speed acknowledged', async () => {
    expect(await owns(owner)).toBe(true);
    const clock = (body: object) =>
      http(`${owner.url}/api/labs/class/clock`, {
        method: 'POST',
        body,
        headers: { 'x-contention-forwarded': 'test' },
      });
    const speed = await clock({ action: 'speed', speed: 0.5 });
    expect(speed.body, speed.text).toMatchObject({ ok: true, data: { speed: 0.5, paused: false } });
    const paused = await clock({ action: 'pause' });
    await owner.kill('SIGKILL');
    expect(paused.body, paused.text).toMatchObject({ ok: true, data: { speed: 0.5, paused: true } });
    const at = (paused.body.data as Pace).tick;

    // The lease runs out and the other process takes the lab over (bounded generously).
    for (let i = 0; i < 600 && !(await owns(other)); i++) await new Promise((w) => setTimeout(w, 100));
    expect(await owns(other)).toBe(true);
    const state = (await http(`${other.url}/api/labs/class`)).body.data as Pace;
    expect({ tick: state.tick, speed: state.speed, paused: state.paused }).toEqual({
      tick: at,
      speed: 0.5,
      paused: true,
    });
  }, 120_000);
});
