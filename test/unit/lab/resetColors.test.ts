/**
 * A reset goes on from the colours its meta keeps: a VPS added while the meta was being written
 * (a command the reset drops) leaves no trace in the running lab's colours either, so the lab
 * restored from that meta holds the same ones.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../server/log.js';
import { ManualClock } from '../../../server/lab/clock.js';
import { Lab } from '../../../server/lab/lab.js';
import { keptColorsOf } from '../../../server/lab/colorBook.js';
import { Resets, resetLab, type Changes } from '../../../server/lab/resetting.js';
import type { LabMeta } from '../../../server/lab/store.js';
import type { Command } from '../../../shared/commands.js';
import { simEngines } from '../../../server/lab/engines.js';
import { fakeScenario } from './fakeEngine.js';

const limits = { maxVps: 8, historyS: 900, historyBytes: 64 * 1024 * 1024, broadcastHz: 10 };
const add = (id: string): Command => ({
  type: 'addVps',
  vps: { id, vcpus: 1, ramGiB: 2, diskIops: 1000, netMbps: 100, profile: 'steady' },
});

async function newLab(clock: ManualClock, meta?: LabMeta): Promise<Lab> {
  const sc = fakeScenario();
  const r = await simEngines.create(sc);
  if (!r.ok) throw new Error('engine');
  const lab = new Lab({
    id: 'l1',
    scenario: sc,
    engines: [r.data],
    now: clock.now(),
    logger: silentLogger(),
    limits,
    colors: keptColorsOf(meta),
  });
  clock.every(10, () => lab.pump(clock.now()));
  return lab;
}

describe('a reset', () => {
  it('keeps the colours its meta keeps, not those of a VPS added while the meta was written', async () => {
    const clock = new ManualClock();
    const lab = await newLab(clock);
    const first = lab.submit(add('before'), 'me');
    clock.advance(100);
    expect((await first).ok).toBe(true);
    let meta: LabMeta | undefined;
    let written!: () => void;
    const c = {
      engines: simEngines,
      logger: silentLogger(),
      clock,
      resets: new Resets(),
      forks: new Map(),
      get: () => lab,
      storeAway: () => null,
      deleted: () => undefined,
      saver: {
        replace: (m: LabMeta) => {
          meta = m;
          return new Promise<null>((resolve) => (written = () => resolve(null)));
        },
        started: () => undefined,
      },
    } as unknown as Changes;
    const reset = resetLab(c, 'l1', 'me');
    await new Promise((r) => setImmediate(r));
    expect(meta).toBeDefined();
    const late = lab.submit(add('late'), 'me');
    clock.advance(100);
    expect((await late).ok).toBe(true);
    expect(lab.state().colors).toHaveProperty('late');
    written();
    expect((await reset).ok).toBe(true);
    const restored = await newLab(new ManualClock(), meta);
    expect(lab.colors()).toEqual(restored.colors());
    expect(lab.state().colors).not.toHaveProperty('late');
  });
});
