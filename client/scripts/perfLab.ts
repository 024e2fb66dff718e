/**
 * Creates the drawing check's lab on a running server: sixteen tenants in para, stepped until it
 * holds 15 minutes of history, then running at 1×. Prints the lab id.
 *   npx tsx client/scripts/perfLab.ts [base URL]
 */
import { sixteenVpsScenario } from '../../test/bench/dashboardLab.js';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const HISTORY_TICKS = 9000;

async function post<T>(path: string, body: unknown): Promise<T> {
  const r = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const j = (await r.json()) as { ok?: boolean; data?: T } | T;
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(j)}`);
  return j && typeof j === 'object' && 'ok' in j ? (j.data as T) : (j as T);
}

const scenario = sixteenVpsScenario();
const lab = (await post<{ id: string }>('/api/labs', { scenario })).id;
const clock = (body: unknown): Promise<{ tick: number }> =>
  post<{ tick: number }>(`/api/labs/${lab}/clock`, body);
let tick = (await clock({ action: 'pause' })).tick;
while (tick < HISTORY_TICKS)
  tick = (await clock({ action: 'step', ticks: Math.min(600, HISTORY_TICKS - tick) })).tick;
await clock({ action: 'speed', speed: 1 });
await clock({ action: 'resume' });
console.log(lab);
