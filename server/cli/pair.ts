/**
 * Two scenarios run side by side, each in its own mode: a compare lab's two recorded sides. A
 * lab forked by Compare shares its source's past, so both sides' files start alike and hold the
 * same events up to the fork; the ticks before they first differ are one run, written once.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ModeSpec, Scenario } from '../../shared/commands.js';
import type { ModeSwitch } from '../export/modes.js';
import { scheduleOf } from '../sim/index.js';

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
 * How many ticks from the start two scenarios run alike (at most `ticks`): none unless they are the
 * same but for their name, length and events; then up to the first tick where their events differ
 * (the engine applies a tick's events before stepping it). Equal inputs step alike: the engine is
 * deterministic.
 */
export function ticksAlike(a: Scenario, b: Scenario, ticks: number): number {
  const { name: _an, durationS: _ad, events: _ae, ...startA } = a;
  const { name: _bn, durationS: _bd, events: _be, ...startB } = b;
  if (!isDeepStrictEqual(startA, startB)) return 0;
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

/**
 * The modes the runs are told apart by: what each ran under at the first tick where the runs' modes
 * differ (tick 0 for modes compared from the start, the fork for a compare lab's sides); their
 * starting modes when they never differ.
 */
export function distinctModes(
  starts: readonly ModeSpec[],
  switches: readonly (readonly ModeSwitch[])[],
): ModeSpec[] {
  const at = (r: number, tick: number): ModeSpec =>
    switches[r].reduce<ModeSpec>((m, s) => (s.tick <= tick ? s.mode : m), starts[r]);
  const ticks = [0, ...switches.flat().map((s) => s.tick)].sort((p, q) => p - q);
  for (const tick of ticks) {
    const modes = starts.map((_, r) => at(r, tick));
    if (new Set(modes.map((m) => JSON.stringify(m))).size > 1) return modes;
  }
  return [...starts];
}
