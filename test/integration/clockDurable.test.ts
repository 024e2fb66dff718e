/**
 * A clock action is saved when it is acknowledged: the real server in a child process, SIGKILLed
 * right after a pause's acknowledgement (a speed set before it), comes back paused at that tick,
 * at that speed.
 */
import { describe, expect, it } from 'vitest';
import { http } from './helpers.js';
import { childServers, listening, stop } from './child.js';

const { dataDir: newDataDir, start } = childServers('clock');

interface Pace {
  tick: number;
  speed: number;
  paused: boolean;
}

describe('a clock action survives a crash', () => {
  it('SIGKILLed right after a pause is acknowledged, the restarted server has the lab paused at its tick and speed', async () => {
    const dataDir = newDataDir();
    const first = start(dataDir);
    const url = await listening(first);
    const speed = await http(`${url}/api/labs/demo/clock`, {
      method: 'POST',
      body: { action: 'speed', speed: 4 },
    });
    expect(speed.body, speed.text).toMatchObject({ ok: true, data: { speed: 4, paused: false } });
    const paused = await http(`${url}/api/labs/demo/clock`, { method: 'POST', body: { action: 'pause' } });
    first.child.kill('SIGKILL');
    expect(paused.body, paused.text).toMatchObject({ ok: true, data: { speed: 4, paused: true } });
    const at = (paused.body.data as Pace).tick;
    await first.exited;

    const second = start(dataDir);
    const url2 = await listening(second);
    const state = (await http(`${url2}/api/labs/demo`)).body.data as Pace;
    expect({ tick: state.tick, speed: state.speed, paused: state.paused }).toEqual({
      tick: at,
      speed: 4,
      paused: true,
    });
    await stop(second);
  }, 90_000);
});
