/**
 * A lab's CSV holds every tick of the range it was asked for, whole, even when the lab runs on
 * while it streams and its history ring drops ticks the download has not written yet: the ticks
 * are held when the download starts, not read again piece by piece.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab/lab.js';
import { fullRingLab } from './fullRing.js';
import type { TestServer } from './helpers.js';

let t: TestServer;
let lab: Lab;

beforeAll(async () => {
  ({ t, lab } = await fullRingLab());
}, 120_000);
afterAll(() => t?.close());

describe('metrics.csv of a lab that runs on while it streams', () => {
  it('has every tick of its range, each with every VPS, though the ring dropped them meanwhile', async () => {
    const first = lab.history.firstTick!;
    const last = lab.history.lastTick!;
    // Once the download has written its first piece, the lab runs half a ring further.
    let stepped = false;
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      if (!req.url?.includes('/metrics.csv')) return;
      const write = res.write.bind(res) as (...a: unknown[]) => boolean;
      let writes = 0;
      res.write = ((...a: unknown[]) => {
        // The header, then the first piece of rows: the lab runs on after it.
        if (++writes === 2)
          setImmediate(() => {
            const from = lab.tick;
            for (let n = 0; n < 3; n++) void lab.clock({ action: 'step', ticks: 100 }, 'test');
            stepped = lab.tick === from + 300;
          });
        return write(...a);
      }) as typeof res.write;
    };
    t.server.http.prependListener('request', listener);
    try {
      const r = await fetch(`${t.url}/api/labs/big/metrics.csv`);
      expect(r.status).toBe(200);
      const lines = (await r.text()).trimEnd().split('\n');
      expect(stepped).toBe(true);
      expect(lab.history.firstTick).toBeGreaterThan(first + 200);
      const ticks = new Map<number, number>();
      for (const line of lines.slice(1)) {
        const tick = Number(line.slice(0, line.indexOf(',')));
        ticks.set(tick, (ticks.get(tick) ?? 0) + 1);
      }
      const want = Array.from({ length: last - first + 1 }, (_, i) => first + i);
      expect([...ticks.keys()]).toEqual(want);
      expect(new Set(ticks.values())).toEqual(new Set([64]));
    } finally {
      t.server.http.off('request', listener);
    }
  }, 120_000);
});

describe('metrics.csv of a client that goes mid-download', () => {
  it('lets go of the ticks it held', async () => {
    const { request } = await import('node:http');
    await new Promise<void>((done, failed) => {
      const req = request(`${t.url}/api/labs/big/metrics.csv`, (res) => {
        // Read nothing more: the server's writes back up, then the client goes.
        res.once('data', () => {
          res.pause();
          setTimeout(() => {
            req.destroy();
            done();
          }, 200);
        });
      });
      req.on('error', () => undefined);
      req.once('error', failed);
      req.end();
    });
    for (let n = 0; n < 100 && lab.history.held > 0; n++) await new Promise((go) => setTimeout(go, 20));
    expect(lab.history.held).toBe(0);
  }, 60_000);
});
