/**
 * Health and state tell one story (model spec §7: health derives from SLO compliance, errors and
 * state): the state is the band and health the place in it. A VPS that does not respond (DNR, down,
 * rebooting) has health 0 and only such a VPS has; a degraded VPS, still answering, has at least 1
 * and less than any running VPS. Checked on every tick of every preset under every mode and of the
 * demo lab under each fault.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../shared/model.js';
import { sweep, type SweepRun } from './sweep.js';

const SILENT = new Set(['dnr', 'down', 'rebooting']);

describe('health and state', () => {
  it('health is 0 exactly when a VPS does not respond, and a degraded VPS ranks below every running one', () => {
    const bad: string[] = [];
    let maxDegraded = -1;
    let minRunning = 101;
    let where = { degraded: '', running: '' };
    const visit = (run: SweepRun, f: Frame) => {
      for (const v of f.vps) {
        const at = `${run.label} tick ${f.tick} ${v.id} ${v.state} health ${v.health}`;
        if (SILENT.has(v.state) !== (v.health === 0)) bad.push(at);
        if (v.state === 'degraded' && v.health > maxDegraded) {
          maxDegraded = v.health;
          where = { ...where, degraded: at };
        }
        if (v.state === 'running' && v.health < minRunning) {
          minRunning = v.health;
          where = { ...where, running: at };
        }
      }
    };
    const frames = sweep(visit);
    expect(frames).toBeGreaterThan(50_000);
    expect(bad.slice(0, 5), `${bad.length} ticks where health and state disagree`).toEqual([]);
    expect(maxDegraded, `${where.degraded} against ${where.running}`).toBeLessThan(minRunning);
  }, 120_000);
});
