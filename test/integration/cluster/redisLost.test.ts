/**
 * Redis lost under a running two-process cluster, a viewer on each process: frozen (SIGSTOP) for
 * 5 s, then killed (SIGKILL) and started again empty on the same port. The Node processes are not
 * restarted. Viewers on both processes get frames again, the lab is listed and steerable again from
 * either process, and what was acknowledged before the loss (and while Redis was frozen) survives
 * into the emptied Redis: after the owner then dies (SIGKILL), the process that takes the lab over
 * has every acknowledged command.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, http, request, waitFor, type Client } from '../helpers.js';
import { ownerAndOther, stopCluster, type OwnerAndOther } from './fixture.js';
import type { RedisHandle, ServerProcess } from './harness.js';

let cluster: OwnerAndOther | undefined;
let redis: RedisHandle;
let owner: ServerProcess;
let other: ServerProcess;
let onOwner: Client;
let onOther: Client;
const ticks = new Map<Client, number[]>();

const sleep = (ms: number) => new Promise((w) => setTimeout(w, ms));

async function viewer(p: ServerProcess): Promise<Client> {
  const c = await client(p.url);
  const seen: number[] = [];
  ticks.set(c, seen);
  c.on('frame', (m: { lab: string; tick: number }) => {
    if (m.lab === 'sweep') seen.push(m.tick);
  });
  // A reconnect (the dashboard's behaviour) joins again.
  c.on('connect', () => void request(c, 'join', { lab: 'sweep' }, 15_000).catch(() => undefined));
  await request(c, 'join', { lab: 'sweep' }, 15_000);
  return c;
}

beforeAll(async () => {
  cluster = await ownerAndOther('sweep', { viewer });
  ({ redis, owner, other, onOwner, onOther } = cluster);
}, 120_000);

afterAll(() => stopCluster(cluster));

type Ack = { ok: boolean; data?: { tick: number }; error?: { code: string; message: string } };
const load = (vps: string, cpu: number) => ({ lab: 'sweep', type: 'setLoad', vps, load: { cpu } });

/** A frame past `tick` reaches `c` within `ms`. */
const frameAfter = (c: Client, tick: number, ms = 20_000) =>
  waitFor<{ lab: string; tick: number }>(c, 'frame', (m) => m.lab === 'sweep' && m.tick > tick, ms);

/** The name a viewer is logged under (its snapshot's `you`). */
async function nameOf(c: Client): Promise<string> {
  const snap = waitFor<{ lab: string; you?: string }>(c, 'snapshot', (m) => m.lab === 'sweep', 30_000);
  await request(c, 'join', { lab: 'sweep' }, 30_000);
  return (await snap).you ?? '';
}

const owns = async (p: ServerProcess): Promise<boolean> =>
  ((await http(`${p.url}/healthz`)).body.data.owns as string[]).includes('sweep');

describe('Redis frozen, then lost and started again empty', () => {
  it('viewers and steering come back on both processes, and acknowledged commands survive a later owner death', async () => {
    const c1 = await request<Ack>(onOther, 'command', load('web-1', 0.41), 15_000);
    expect(c1.ok, JSON.stringify(c1)).toBe(true);

    const names = new Set([await nameOf(onOwner), await nameOf(onOther)]);

    redis.proc.kill('SIGSTOP');
    // Sent to the owner while Redis is frozen: applied there, answered within seconds that it is
    // not saved yet (Redis did not take it), and saved once Redis is back (checked below).
    const c2 = request<Ack>(onOwner, 'command', load('db-1', 0.42), 60_000);
    c2.catch(() => undefined); // awaited below; a failure before then is the one reported
    await sleep(5000);
    // A page (re)connecting while Redis is frozen connects, and its join is answered (Redis being
    // away, with an error saying so) while Redis is still frozen, instead of hanging until it is back.
    const late = await client(other.url, undefined, 30_000);
    const joined = await request<{ ok: boolean; error?: { message: string } }>(
      late,
      'join',
      { lab: 'sweep' },
      30_000,
    );
    expect(joined.ok ? 'ok' : joined.error?.message, JSON.stringify(joined)).toMatch(/^ok$|Redis is away/);
    late.disconnect();
    expect(redis.proc.signalCode, 'Redis is still frozen').toBeNull();
    await redis.kill();
    await redis.restart();

    const a2 = await c2;
    expect(a2.error?.code, JSON.stringify(a2)).toBe('NOT_SAVED');
    expect(a2.error?.message).toMatch(/applied at tick \d+ .*not saved yet/);
    // Both viewers get frames again, without a restart of either process.
    const last = Math.max(...[...ticks.values()].map((t) => t.at(-1) ?? 0));
    await Promise.all([frameAfter(onOwner, last), frameAfter(onOther, last)]);
    // The lab is listed by both processes, and steered again from the other one.
    for (const p of [owner, other]) {
      let ids: string[] = [];
      for (let i = 0; i < 100 && !ids.includes('sweep'); i++) {
        ids = ((await http(`${p.url}/api/labs`)).body.data as { id: string }[]).map((l) => l.id);
        if (!ids.includes('sweep')) await sleep(100);
      }
      expect(ids, p.id).toContain('sweep');
    }
    const c3 = await request<Ack>(onOther, 'command', load('cache-1', 0.43), 30_000);
    expect(c3.ok, JSON.stringify(c3)).toBe(true);
    // A viewer arriving now is not given the name of one already watching (the emptied Redis
    // counted viewers from 1 again).
    const newcomer = await client(other.url);
    const name = await nameOf(newcomer);
    newcomer.disconnect();
    expect([...names], name).not.toContain(name);

    // The owner dies: the other process takes the lab over from what the emptied Redis now holds.
    await owner.kill('SIGKILL');
    for (let i = 0; i < 600 && !(await owns(other)); i++) await sleep(100);
    expect(await owns(other)).toBe(true);
    const state = (await http(`${other.url}/api/labs/sweep`)).body.data as {
      vps: { id: string; load: { cpu: number } }[];
    };
    const cpu = Object.fromEntries(state.vps.map((v) => [v.id, v.load.cpu]));
    expect({ web: cpu['web-1'], db: cpu['db-1'], cache: cpu['cache-1'] }).toEqual({
      web: 0.41,
      db: 0.42,
      cache: 0.43,
    });
    await frameAfter(onOther, ticks.get(onOther)!.at(-1) ?? 0);
  }, 180_000);
});
