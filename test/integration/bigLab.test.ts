/**
 * The default per-lab VPS limit (256) as a client meets it: a lab of that many VPSs is created,
 * runs and is watched (its frames carry every VPS, equal to the engine's own frames); one VPS more,
 * at creation or by `addVps`, is refused naming the field.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../server/config.js';
import { createEngine } from '../../server/sim/index.js';
import type { Scenario } from '../../shared/commands.js';
import { encodeFrameMessage } from '../../shared/wireFrame.js';
import { rowsOf } from '../wireHistory.js';
import { client, http, removeDir, request, settle, startServer, stepTo } from './helpers.js';

const LIMIT = DEFAULTS.maxVpsPerLab;

function scenario(n: number): Scenario {
  return {
    name: `big ${n}`,
    seed: 5,
    tickMs: 100,
    mode: 'para',
    host: { cores: 128, ramGiB: 2 * n + 64, diskIops: 200_000, netMbps: 20_000, memBwGBs: 200 },
    vps: Array.from({ length: n }, (_, i) => ({
      id: `vm-${i}`,
      vcpus: 1 + (i % 2),
      ramGiB: 1,
      diskIops: 500,
      netMbps: 50,
      profile: 'randomWalk' as const,
      load: { cpu: 0.5, mem: 0.5, disk: 0.1, net: 0.1 },
    })),
  };
}

describe('per-lab VPS limit', () => {
  it(`holds and streams a lab of ${LIMIT} VPSs, refuses one more`, async () => {
    expect(LIMIT).toBe(256);
    const t = await startServer({ persist: false });
    const socket = await client(t.url);
    try {
      const over = await http(`${t.url}/api/labs`, {
        method: 'POST',
        body: { scenario: scenario(LIMIT + 1) },
      });
      expect(over.status).toBe(409);
      expect(over.body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', path: 'scenario.vps' });

      const sc = scenario(LIMIT);
      const made = await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'big', scenario: sc } });
      expect(made.status).toBe(201);
      await request(socket, 'join', { lab: 'big' });
      const [frame] = await stepTo(t, 'big', [socket], 5);
      const twin = createEngine({ ...sc, seed: made.body.data.seed ?? sc.seed });
      let want = twin.step();
      while (want.tick < frame.tick) want = twin.step();
      expect(rowsOf(frame).frames[0][4]).toHaveLength(LIMIT);
      expect(rowsOf(frame)).toEqual(rowsOf(encodeFrameMessage('big', [want])));

      const add = await settle(
        t,
        http(`${t.url}/api/labs/big/commands`, {
          method: 'POST',
          body: { type: 'addVps', vps: { id: 'one-more', vcpus: 1, ramGiB: 1, diskIops: 10, netMbps: 1 } },
        }),
      );
      expect(add.status).toBe(409);
      expect(add.body.error.code).toBe('LIMIT_EXCEEDED');
      expect((await http(`${t.url}/api/labs/big`)).body.data.vps).toHaveLength(LIMIT);
    } finally {
      socket.disconnect();
      await t.close();
      removeDir(t.dataDir);
    }
  }, 60_000);
});
