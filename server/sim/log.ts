/**
 * The log of applied commands. Each entry is a deep copy of the command as applied (the caller may
 * mutate its object afterwards). Slider moves (`setLoad`) dominate long runs, so those of the
 * usual shape are kept in flat arrays and turned into objects only when someone reads the log:
 * a long run keeps a few numbers per move instead of three objects.
 */
import type { Command } from '../../shared/commands.js';
import type { AppliedCommand } from './api.js';
import { cloneCommand } from './commands.js';

const LOAD_KEYS = ['cpu', 'mem', 'disk', 'net'] as const;

/**
 * Bit mask of the load keys when `cmd` is `{ type: 'setLoad', vps, load }` with exactly those keys
 * in that order and the load's keys numbers in canonical order (so a rebuilt copy is identical);
 * else -1.
 */
function compactMask(cmd: Command): number {
  if (cmd.type !== 'setLoad' || typeof cmd.vps !== 'string') return -1;
  let k = 0;
  for (const key in cmd) {
    if ((k === 0 && key !== 'type') || (k === 1 && key !== 'vps') || (k === 2 && key !== 'load') || k > 2) return -1;
    k++;
  }
  if (k !== 3) return -1;
  const load = cmd.load as Record<string, unknown>;
  if (load === null || typeof load !== 'object' || Object.getPrototypeOf(load) !== Object.prototype) return -1;
  let mask = 0;
  let last = -1;
  for (const key in load) {
    const idx = key === 'cpu' ? 0 : key === 'mem' ? 1 : key === 'disk' ? 2 : key === 'net' ? 3 : -1;
    if (idx <= last || typeof load[key] !== 'number') return -1;
    mask |= 1 << idx;
    last = idx;
  }
  return mask;
}

export class CommandLog {
  private readonly entries: AppliedCommand[];
  private count = 0;
  private ticks = new Float64Array(64);
  private values = new Float64Array(256);
  private masks = new Uint8Array(64);
  private ids: string[] = [];

  constructor(entries: AppliedCommand[]) {
    this.entries = entries;
  }

  /** Records `cmd` as applied at `tick` (a copy: later changes to `cmd` do not reach the log). */
  push(tick: number, cmd: Command): void {
    const mask = compactMask(cmd);
    if (mask < 0) {
      this.flush();
      this.entries.push({ tick, command: cloneCommand(cmd) });
      return;
    }
    const k = this.count;
    if (k === this.masks.length) this.grow();
    this.ticks[k] = tick;
    this.masks[k] = mask;
    this.ids.push((cmd as { vps: string }).vps);
    const load = (cmd as { load: Record<string, number> }).load;
    const base = k * 4;
    for (let j = 0; j < 4; j++) this.values[base + j] = mask & (1 << j) ? load[LOAD_KEYS[j]] : 0;
    this.count = k + 1;
  }

  /** Every applied command in order (the same array across calls, as it grows). */
  all(): AppliedCommand[] {
    this.flush();
    return this.entries;
  }

  private flush(): void {
    for (let k = 0; k < this.count; k++) {
      const mask = this.masks[k];
      const load: Record<string, number> = {};
      for (let j = 0; j < 4; j++) if (mask & (1 << j)) load[LOAD_KEYS[j]] = this.values[k * 4 + j];
      this.entries.push({ tick: this.ticks[k], command: { type: 'setLoad', vps: this.ids[k], load } });
    }
    this.count = 0;
    this.ids = [];
  }

  private grow(): void {
    const cap = this.masks.length * 2;
    const ticks = new Float64Array(cap);
    ticks.set(this.ticks);
    const values = new Float64Array(cap * 4);
    values.set(this.values);
    const masks = new Uint8Array(cap);
    masks.set(this.masks);
    this.ticks = ticks;
    this.values = values;
    this.masks = masks;
  }
}
