/**
 * `npm run bench -- redis`: what Redis holds for a cluster running big labs: two server processes on a redis-server started
 * for the run, LABS labs of 256 VPSs at SPEED× (each watched by one viewer on the other process),
 * sampled every SAMPLE_S wall seconds for RUN_S: Redis's used memory, the adapter stream's length
 * and size, and each lab's command log and snapshot sizes.
 * Env: BENCH_REDIS_LABS (3), BENCH_REDIS_SPEED (10), BENCH_REDIS_RUN_S (60), BENCH_REDIS_SAMPLE_S (10).
 */
import { Redis } from 'ioredis';
import { io as connect } from 'socket.io-client';
import { keys } from '../../server/cluster/keys.js';
import { bigScenario } from '../integration/bigScenario.js';
import { startRedis, startServer, stopAll } from '../integration/cluster/harness.js';

const LABS = Number(process.env.BENCH_REDIS_LABS ?? 3);
const SPEED = Number(process.env.BENCH_REDIS_SPEED ?? 10);
const RUN_S = Number(process.env.BENCH_REDIS_RUN_S ?? 60);
const SAMPLE_S = Number(process.env.BENCH_REDIS_SAMPLE_S ?? 10);

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

async function post(url: string, body: unknown): Promise<{ status: number; text: string }> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, text: await r.text() };
}

async function usage(peek: Redis, key: string): Promise<number> {
  return Number((await peek.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
}

export async function run(): Promise<void> {
  const redis = await startRedis();
  const [a, b] = await Promise.all([startServer(redis.url), startServer(redis.url)]);
  const peek = new Redis(redis.url);
  const viewers = [];
  try {
    const ids = Array.from({ length: LABS }, (_, i) => `big-${i}`);
    for (const [i, id] of ids.entries()) {
      const made = await post(`${a.url}/api/labs`, { id, scenario: bigScenario(256, i + 1, 2) });
      if (made.status !== 201) throw new Error(`could not create ${id}: ${made.text}`);
      const sped = await post(`${a.url}/api/labs/${id}/clock`, { action: 'speed', speed: SPEED });
      if (sped.status !== 200) throw new Error(`could not speed ${id} up: ${sped.text}`);
      const s = connect(b.url, { transports: ['websocket'] });
      s.emit('join', { lab: id }, () => undefined);
      viewers.push(s);
    }
    console.log(`${LABS} labs of 256 VPSs at ${SPEED}×, two processes, one viewer each on the other`);
    console.log('wall s | sim s | used_memory | stream entries | stream size | logs | snapshots');
    for (let t = SAMPLE_S; t <= RUN_S; t += SAMPLE_S) {
      await new Promise((w) => setTimeout(w, SAMPLE_S * 1000));
      const info = await peek.info('memory');
      const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
      const xlen = await peek.xlen(keys.stream);
      const stream = await usage(peek, keys.stream);
      let logs = 0;
      let snaps = 0;
      for (const id of ids) {
        logs += await usage(peek, keys.log(id));
        snaps += await usage(peek, keys.snapshot(id));
      }
      const tick = Number(await peek.get(keys.tick(ids[0])));
      console.log(
        `${t} | ${(tick / 10).toFixed(0)} | ${mb(used)} | ${xlen} | ${mb(stream)} | ${mb(logs)} | ${mb(snaps)}`,
      );
    }
    // What a command costs in a lab's log (the log keeps every command since the lab's start).
    const batch = Array.from({ length: 20 }, (_, i) => ({
      type: 'setLoad',
      vps: `vm-${i}`,
      load: { cpu: 0.25 + i / 100 },
    }));
    const before = await usage(peek, keys.log(ids[0]));
    const sent = await post(`${a.url}/api/labs/${ids[0]}/commands`, batch);
    if (sent.status !== 200) throw new Error(`could not steer ${ids[0]}: ${sent.text}`);
    const after = await usage(peek, keys.log(ids[0]));
    console.log(`a logged command: ${((after - before) / batch.length).toFixed(0)} bytes of Redis`);
  } finally {
    for (const s of viewers) s.disconnect();
    peek.disconnect();
    await stopAll();
  }
}
