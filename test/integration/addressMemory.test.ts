/**
 * One address opening many connections that each join a big lab and never read: each stays
 * within its own budget (one snapshot), but together they must not make the server hold more
 * than the address's budget (a quarter MiB per connection MAX_CLIENTS_PER_ADDRESS allows: 4 MiB
 * here, 64 MiB by default): the joins past it are refused LIMIT_EXCEEDED naming the address, and
 * a viewer from another address still joins. The real server in a child process, with a lab of
 * 1 024 VPSs whose snapshots pass a few MB within seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { bigScenario } from './bigScenario.js';
import { http } from './helpers.js';
import { childServers, listening, type Child } from './child.js';
import { rawSocket } from './rawSocket.js';

const PER_ADDRESS = 16;
const ADDRESS_BUDGET = PER_ADDRESS * 256 * 1024;
const servers = childServers('address-bytes');
let server: Child;
let url: string;
const opened: WebSocket[] = [];

beforeAll(async () => {
  server = servers.start(servers.dataDir(), {
    COMMAND_RATE: '10',
    MAX_CLIENTS_PER_ADDRESS: String(PER_ADDRESS),
    MAX_VPS_PER_LAB: '1024',
  });
  url = await listening(server);
  const r = await http(`${url}/api/labs`, {
    method: 'POST',
    body: { id: 'big', scenario: bigScenario(1024, 7) },
  });
  expect(r.status).toBe(201);
}, 60_000);
afterAll(() => opened.forEach((ws) => ws.terminate()));

/** A raw socket from `localAddress`, closed after the tests. */
async function connect(localAddress = '127.0.0.1'): Promise<{ ws: WebSocket; got: string[] }> {
  const r = await rawSocket(url, localAddress);
  opened.push(r.ws);
  return r;
}

/** Resolves once `got` holds a message matching `re` (bounded: rejects after `ms`). */
function until(got: string[], re: RegExp, ms = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const look = () => {
      const m = got.find((x) => re.test(x));
      if (m) return resolve(m);
      if (Date.now() - t0 > ms) return reject(new Error(`no message matching ${re}`));
      setTimeout(look, 50);
    };
    look();
  });
}

/** Bytes of the lab's snapshot as a client reads it now. */
async function snapshotBytes(): Promise<number> {
  const { ws, got } = await connect();
  ws.send('420["join",{"lab":"big"}]');
  const bytes = (await until(got, /^42\["snapshot"/)).length;
  ws.terminate();
  return bytes;
}

describe('connections of one address that never read', () => {
  it('together hold at most the address budget: joins past it are refused naming the address; another address joins', async () => {
    // The lab's history grows by the second: wait until a snapshot is big enough to count.
    let size = await snapshotBytes();
    for (let i = 0; i < 30 && size < 2 * 1024 * 1024; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      size = await snapshotBytes();
    }
    expect(size).toBeGreaterThan(1024 * 1024);
    // Stalled joiners that would hold several times the budget, were each let in (the kernel's
    // socket buffers take part of each snapshot, which the server does not hold).
    const n = PER_ADDRESS - 2;
    expect(n * size).toBeGreaterThan(4 * ADDRESS_BUDGET);
    const stalled = [];
    for (let i = 0; i < n; i++) {
      const c = await connect();
      (c.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      c.ws.send('421["join",{"lab":"big"}]');
      stalled.push(c);
    }
    // Another address is served meanwhile.
    const other = await connect('127.0.0.2');
    other.ws.send('429["join",{"lab":"big"}]');
    expect(await until(other.got, /^439\[/)).toBe('439[{"ok":true,"data":{"lab":"big"}}]');
    // Read what each stalled one got: its join's answer comes before its snapshot.
    for (const c of stalled) (c.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const answers = await Promise.all(
      stalled.map((c) =>
        Promise.race([
          until(c.got, /^431\[/).then((m) => JSON.parse(m.slice(3))[0]),
          new Promise<'dropped'>((ok) => c.ws.once('close', () => ok('dropped'))),
        ]),
      ),
    );
    const joined = answers.filter((a) => a !== 'dropped' && a.ok).length;
    const refused = answers.filter((a) => a !== 'dropped' && !a.ok);
    expect(joined).toBeLessThan(n);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0].error.code).toBe('LIMIT_EXCEEDED');
    expect(refused[0].error.message).toMatch(/wait for the connections from this address/);
    expect((await http(`${url}/healthz`)).status).toBe(200);
  }, 90_000);
});
