/**
 * Two scenarios run side by side, each in its own mode: a compare lab's two recorded sides. A
 * lab forked by Compare shares its source's past, so both sides' files start alike and hold the
 * same events up to the fork; the ticks before they first differ are one run, written once.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Scenario } from '../../shared/commands.js';
import { scheduleOf } from '../sim/index.js';
import { startInputs } from '../sim/state.js';

/**
 * Why `b` cannot run beside `a` tick for tick (named by its field and file), or null: they must
 * tick alike, and last alike unless `--duration` sets how long both run.
 */
export function pairMismatch(
  files: readonly [string, string],
  a: Scenario,
  b: Scenario,
  durationS: number | undefined,
  defaultDurationS: number,
): string | null {
  const tick = (s: Scenario): number => s.tickMs ?? 100;
  if (tick(a) !== tick(b))
    return `${files[1]}: tickMs: ${tick(b)}, but ${files[0]} ticks every ${tick(a)} ms; two scenarios run side by side tick for tick`;
  const last = (s: Scenario): number => s.durationS ?? defaultDurationS;
  if (durationS === undefined && last(a) !== last(b))
    return `${files[1]}: durationS: ${last(b)} s, but ${files[0]} runs ${last(a)} s; give --duration to run both as long`;
  return null;
}

/**
 * What the engine starts a scenario from (`startInputs`: defaults filled in), without what does
 * not change a run (name, description) or is compared apart (length, events). A field not named
 * here is compared as written.
 */
function startOf(s: Scenario): unknown {
  const {
    name: _n,
    description: _d,
    durationS: _l,
    events: _e,
    seed: _s,
    tickMs: _t,
    host: _h,
    vps: _v,
    params: _p,
    ...rest
  } = s;
  const start = startInputs(s);
  return { ...rest, ...start, params: { ...start.params } };
}

/**
 * How many ticks from the start two scenarios run alike (at most `ticks`): none unless they start
 * alike (`startOf`); then up to the first tick where their events differ
 * (the engine applies a tick's events before stepping it). Equal inputs step alike: the engine is
 * deterministic.
 */
export function ticksAlike(a: Scenario, b: Scenario, ticks: number): number {
  if (!isDeepStrictEqual(startOf(a), startOf(b))) return 0;
  const x = scheduleOf(a);
  const y = scheduleOf(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p && q && p.tick === q.tick && isDeepStrictEqual(p.command, q.command)) continue;
    return Math.min(p?.tick ?? ticks, q?.tick ?? ticks, ticks);
  }
  return ticks;
}
