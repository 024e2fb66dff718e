/**
 * A connection that floods the server with messages each of which is valid (a `leave` has no limit
 * of its own): past what every other limit allows together it is refused, RATE_LIMITED, and
 * dropped, while another viewer of the same lab keeps its frames. Against the real server in a
 * child process, over a raw engine.io websocket (as a stranger would send it, not the page).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { rawSocket } from './rawSocket.js';
import { client, http, request, waitFor } from './helpers.js';
import { childServers, listening, type Child } from './child.js';

const servers = childServers('flood-msg');
let server: Child;
let url: string;

beforeAll(async () => {
  server = servers.start(servers.dataDir(), { COMMAND_RATE: '10' });
  url = await listening(server);
}, 60_000);

describe('a flood of valid messages on one connection', () => {
  it('is refused past the message rate, RATE_LIMITED, and the connection dropped; another viewer keeps its frames', async () => {
    const viewer = await client(url);
    expect(await request(viewer, 'join', { lab: 'demo' })).toMatchObject({ ok: true });
    const { ws, got, closed } = await rawSocket(url);
    // 2 000 leaves, each with an ack id: a page never sends a tenth of that in a second.
    for (let i = 0; i < 2000 && ws.readyState === WebSocket.OPEN; i++)
      ws.send(`42${i}["leave",{"lab":"demo"}]`);
    // Dropped, or (were it not) answered to the last.
    const last = new Promise<boolean>((ok) =>
      ws.on('message', (d) => d.toString().startsWith('431999[') && ok(false)),
    );
    expect(await Promise.race([closed, last])).toBe(true);
    // Acks in the order they were sent. A refusal is answered at once and a leave after its work, so
    // the leaves answered before the drop may be fewer than those let through (their answers can
    // come after the connection is gone): every ack is a leave done or a refusal naming the limit.
    const acks = got
      .filter((m) => /^43\d+\[/.test(m))
      .map((m) => ({ id: Number(/^43(\d+)/.exec(m)![1]), ack: JSON.parse(m.replace(/^43\d+/, ''))[0] }))
      .sort((a, b) => a.id - b.id)
      .map((a) => a.ack);
    const refused = acks.filter((a) => a.ok === false);
    for (const a of acks.filter((x) => x.ok)) expect(a).toEqual({ ok: true, data: { lab: 'demo' } });
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r.error.code).toBe('RATE_LIMITED');
    expect(refused[0].error.message).toMatch(/messages per second/);
    expect(acks.length).toBeLessThan(200);
    // The other viewer is still connected and gets the lab's ticks.
    const f1 = await waitFor<{ tick: number }>(viewer, 'frame', () => true, 10_000);
    const f2 = await waitFor<{ tick: number }>(viewer, 'frame', () => true, 10_000);
    expect(f2.tick).toBeGreaterThan(f1.tick);
    expect(viewer.connected).toBe(true);
    expect((await http(`${url}/healthz`)).status).toBe(200);
    viewer.close();
  }, 30_000);

  it('a page within the limits is never refused by it: bursts of commands, joins and leaves all answer', async () => {
    const s = await client(url);
    const answers = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) =>
        request<{ ok: boolean; error?: { code: string } }>(s, 'command', {
          lab: 'demo',
          type: 'setLoad',
          vps: 'web-1',
          load: { cpu: 0.1 + i / 100 },
        }),
      ),
      ...Array.from({ length: 5 }, () => request<{ ok: boolean }>(s, 'join', { lab: 'demo' })),
      ...Array.from({ length: 5 }, () => request<{ ok: boolean }>(s, 'leave', { lab: 'demo' })),
    ]);
    expect(answers.filter((a) => !a.ok)).toEqual([]);
    expect(s.connected).toBe(true);
    s.close();
  }, 30_000);
});
