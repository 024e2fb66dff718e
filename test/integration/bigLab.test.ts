/**
 * The default per-lab VPS limit (256) as a client meets it: a lab of that many VPSs is created,
 * runs and is watched (its frames carry every VPS, equal to the engine's own frames); one VPS more,
 * at creation or by `addVps`, is refused naming the field.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../server/config.js';
import { createEngine } from '../../server/sim/index.js';
import { encodeFrameMessage } from '../../shared/wireFrame.js';
import { rowsOf } from '../wireHistory.js';
import { bigScenario } from './bigScenario.js';
import { client, http, removeDir, request, settle, startServer, stepTo } from './helpers.js';

const LIMIT = DEFAULTS.maxVpsPerLab;

describe('per-lab VPS limit', () => {
  it(`holds and streams a lab of ${LIMIT} VPSs, refuses one more`, async () => {
    expect(LIMIT).toBe(256);
    const t = await startServer({ persist: false });
    const socket = await client(t.url);
    try {
      const over = await http(`${t.url}/api/labs`, {
        method: 'POST',
        body: { scenario: bigScenario(LIMIT + 1, 5, 2) },
      });
      expect(over.status).toBe(409);
      expect(over.body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', path: 'scenario.vps' });

      const sc = bigScenario(LIMIT, 5, 2);
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
