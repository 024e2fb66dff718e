import { it } from 'vitest';
import { http, settle, startServer } from '../integration/helpers.js';
it('probe', async () => {
  const t = await startServer({ config: { commandRate: 100_000, maxLabs: 3 } });
  await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'f', preset: 'demo' } });
  const cases: [string, string, unknown][] = [
    ['GET', '/api/labs', undefined],
    ['POST', '/api/labs/f/commands', { type: 'setLoad', vps: 'web-1', load: { cpu: 0.5 } }],
    ['POST', '/api/labs/f/commands', { type: 'setLoad', vps: 'ghost', load: { cpu: 0.5 } }],
    ['POST', '/api/labs/f/commands', { type: 'bad' }],
    ['GET', '/api/labs/f/scenario', undefined],
    ['POST', '/api/labs', { id: 'fz', preset: 'demo' }],
    ['DELETE', '/api/labs/fz', undefined],
  ];
  for (const [m, p, b] of cases) {
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) await settle(t, http(`${t.url}${p}`, { method: m, body: b }), 2);
    console.log(m, p, ((performance.now() - t0) / 5).toFixed(1), 'ms');
  }
  await t.close();
}, 120000);
