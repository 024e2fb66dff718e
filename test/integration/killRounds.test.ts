/**
 * "Acknowledged" means saved, whenever the process dies: the real server in a child process gets
 * commands from three concurrent senders and is SIGKILLed at a moment picked by a seeded generator
 * (snapshots fall due every second, so some kills land in the middle of one), round after round on
 * one DATA_DIR. After each restart every command acknowledged so far is in the lab's record, in the
 * order the acknowledgements came.
 */
import { describe, expect, it } from 'vitest';
import { client, request } from './helpers.js';
import { appliedLoads } from './disk.js';
import { childServers, listening } from './child.js';

const { dataDir: newDataDir, start } = childServers('kill-rounds');
const ROUNDS = 8;

/** A small seeded generator (mulberry32): the same moments on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('SIGKILL at many moments', () => {
  it(`keeps every acknowledged command through ${ROUNDS} kills`, async () => {
    const dataDir = newDataDir();
    const random = seeded(9);
    const acked: number[] = [];
    let k = 0;
    for (let round = 0; round <= ROUNDS; round++) {
      const server = start(dataDir, { COMMAND_RATE: '1000', SNAPSHOT_EVERY_S: '1' });
      const url = await listening(server);
      const applied = await appliedLoads(url);
      // Every acknowledged command is there, in acknowledgement order (others may be there too:
      // saved, but killed before their acknowledgement went out).
      expect(applied.filter((cpu) => acked.includes(cpu))).toEqual(acked);
      if (round === ROUNDS) break;

      const socket = await client(url);
      let sending = true;
      const senders = [0, 1, 2].map(async () => {
        while (sending) {
          const cpu = ++k / 100_000;
          const ack = await request<{ ok: boolean }>(
            socket,
            'command',
            { lab: 'demo', type: 'setLoad', vps: 'web-1', load: { cpu } },
            5000,
          ).catch(() => null);
          if (ack?.ok && sending) acked.push(cpu);
        }
      });
      await new Promise((w) => setTimeout(w, 100 + random() * 1400));
      server.child.kill('SIGKILL');
      sending = false;
      await server.exited;
      socket.disconnect();
      await Promise.all(senders);
    }
    expect(acked.length).toBeGreaterThan(ROUNDS);
  }, 300_000);
});
