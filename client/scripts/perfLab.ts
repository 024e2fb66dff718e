/**
 * Creates the drawing check's lab on a running server: sixteen tenants in para, stepped until it
 * holds 15 minutes of history, then running at 1×. Prints the lab id.
 *   npx tsx client/scripts/perfLab.ts [base URL]
 */
const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const ROLES = ['web', 'database', 'cache', 'batch', 'ci', 'mail'] as const;
const PROFILES = ['diurnal', 'bursty', 'steady', 'randomWalk'] as const;
const HISTORY_TICKS = 9000;

async function post<T>(path: string, body: unknown): Promise<T> {
  const r = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const j = (await r.json()) as { ok?: boolean; data?: T } | T;
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(j)}`);
  return j && typeof j === 'object' && 'ok' in j ? (j.data as T) : (j as T);
}

const scenario = {
  name: 'Drawing check: sixteen tenants',
  seed: 7,
  tickMs: 100,
  mode: 'para',
  host: { cores: 64, ramGiB: 256, diskIops: 200_000, netMbps: 20_000, memBwGBs: 100 },
  vps: Array.from({ length: 16 }, (_, i) => ({
    id: `${ROLES[i % ROLES.length]}-${Math.floor(i / ROLES.length) + 1}`,
    role: ROLES[i % ROLES.length],
    vcpus: 4,
    ramGiB: 8,
    diskIops: 5000,
    netMbps: 500,
    profile: PROFILES[i % PROFILES.length],
    load: { cpu: 0.3 + 0.03 * i, mem: 0.5, disk: 0.1 + 0.01 * i, net: 0.1 },
  })),
};
const lab = (await post<{ id: string }>('/api/labs', { scenario })).id;
const clock = (body: unknown): Promise<{ tick: number }> => post<{ tick: number }>(`/api/labs/${lab}/clock`, body);
let tick = (await clock({ action: 'pause' })).tick;
while (tick < HISTORY_TICKS) tick = (await clock({ action: 'step', ticks: Math.min(600, HISTORY_TICKS - tick) })).tick;
await clock({ action: 'speed', speed: 1 });
await clock({ action: 'resume' });
console.log(lab);
