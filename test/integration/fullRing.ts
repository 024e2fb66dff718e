/**
 * A server whose lab "big" (64 VPSs) is paused with its history ring full: a minute of history
 * (600 ticks) after 700 ticks run, so each tick it runs more drops the oldest. For the exports
 * that read the ring in pieces while the lab runs on.
 */
import { expect } from 'vitest';
import type { Lab } from '../../server/lab/lab.js';
import { MAX_STEP } from '../../shared/inbound.js';
import { bigScenario } from './bigScenario.js';
import { http, startServer, type TestServer } from './helpers.js';

export async function fullRingLab(): Promise<{ t: TestServer; lab: Lab }> {
  const t = await startServer({ persist: false, config: { historyS: 60 } });
  const made = await http(`${t.url}/api/labs`, {
    method: 'POST',
    body: { id: 'big', scenario: bigScenario(64, 3) },
  });
  expect(made.status, made.text).toBe(201);
  const lab = t.server.registry.get('big')!;
  await lab.clock({ action: 'pause' }, 'test');
  for (let n = 0; n < 700; n += 100)
    await lab.clock({ action: 'step', ticks: Math.min(MAX_STEP, 100) }, 'test');
  expect(lab.history.size).toBe(600);
  return { t, lab };
}
