/**
 * GET /api/labs/:id/history of a big lab: what one answer may carry is bounded. Every metric of a
 * 256-VPS lab at 2 000 points (an answer of about 160 MB that held the server's event loop for
 * seconds) is refused naming `points` and the most that fits; the dashboard's own request for
 * such a lab is answered; a metric named many times is one series.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SERIES_POINTS } from '../../shared/historyLimit.js';
import { HOST_METRICS, VPS_METRICS } from '../../shared/model.js';
import { CHART_METRICS, HOST_CHART_METRICS } from '../../client/src/lib/series.js';
import { bigScenario } from './bigScenario.js';
import { http, startServer, type TestServer } from './helpers.js';

const N = 256;
const scenario = bigScenario(N, 3);

let t: TestServer;
const history = (query: string) => http(`${t.url}/api/labs/big/history?windowS=86400&${query}`);

beforeAll(async () => {
  t = await startServer({ persist: false });
  const made = await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'big', scenario } });
  expect(made.status, made.text).toBe(201);
  // 400 ticks of history: more than the most points an answer of every metric may have.
  for (let i = 0; i < 400; i++) t.advance(100);
  expect(t.server.registry.get('big')?.tick).toBeGreaterThanOrEqual(400);
}, 120_000);
afterAll(() => t?.close());

describe('history of a 256-VPS lab', () => {
  it('refuses every metric at 2 000 points, naming points and the most that fits, and answers that many', async () => {
    const all = [...VPS_METRICS, ...HOST_METRICS].join(',');
    const most = Math.floor(MAX_SERIES_POINTS / (N * VPS_METRICS.length + HOST_METRICS.length));
    expect(most).toBeLessThan(400);
    const big = await history(`points=2000&metrics=${all}`);
    expect(big.status).toBe(409);
    expect(big.body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', path: 'points' });
    expect(big.body.error.message).toContain(`at most ${most} `);
    expect(big.text.length).toBeLessThan(1000);

    const fits = await history(`points=${most}&metrics=${all}`);
    expect(fits.status, fits.text.slice(0, 300)).toBe(200);
    const buckets = fits.body.data.ticks.length;
    expect(buckets).toBeLessThanOrEqual(most);
    expect(buckets).toBeGreaterThan(most / 2);
    expect(Object.keys(fits.body.data.vps)).toHaveLength(N);
    expect(Object.keys(fits.body.data.host).sort()).toEqual([...HOST_METRICS].sort());
    expect(fits.body.data.vps['vm-7'].health.mean).toHaveLength(buckets);
    expect((await history(`points=${most + 1}&metrics=${all}`)).status).toBe(409);
  });

  it("answers the dashboard's own request (600 points of the charts' metrics)", async () => {
    const metrics = [...CHART_METRICS, ...HOST_CHART_METRICS].join(',');
    const r = await history(`points=600&metrics=${metrics}`);
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    expect(Object.keys(r.body.data.vps['vm-0']).sort()).toEqual([...CHART_METRICS].sort());
  });

  it('counts a metric named many times once', async () => {
    const once = await history('points=300&metrics=cpuGranted');
    const repeated = await history(`points=300&metrics=${Array(300).fill('cpuGranted').join(',')}`);
    expect(repeated.status, repeated.text.slice(0, 300)).toBe(200);
    expect(repeated.body.data).toEqual(once.body.data);
  });
});
