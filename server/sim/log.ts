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
    if ((k === 0 && key !== 'type') || (k === 1 && key !== 'vps') || (k === 2 && key !== 'load') || k > 2)
      return -1;
    k++;
  }
  if (k !== 3) return -1;
  const load = cmd.load as Record<string, unknown>;
  if (load === null || typeof load !== 'object' || Object.getPrototypeOf(load) !== Object.prototype)
    return -1;
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

/** Slider moves per storage chunk (chunks are never copied when the log grows). */
const CHUNK = 4096;

interface Chunk {
  /** Per entry: tick, then the four load values (absent ones 0). */
  values: Float64Array;
  masks: Uint8Array;
  ids: string[];
}

export class CommandLog {
  private readonly entries: AppliedCommand[];
  private chunks: Chunk[] = [];
  private count = 0;

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
    const k = this.count % CHUNK;
    if (k === 0)
      this.chunks.push({ values: new Float64Array(CHUNK * 5), masks: new Uint8Array(CHUNK), ids: [] });
    const c = this.chunks[this.chunks.length - 1];
    const load = (cmd as { load: Record<string, number> }).load;
    const base = k * 5;
    c.values[base] = tick;
    for (let j = 0; j < 4; j++) c.values[base + 1 + j] = mask & (1 << j) ? load[LOAD_KEYS[j]] : 0;
    c.masks[k] = mask;
    c.ids.push((cmd as { vps: string }).vps);
    this.count++;
  }

  /** Every applied command in order (the same array across calls, as it grows). */
  all(): AppliedCommand[] {
    this.flush();
    return this.entries;
  }

  private flush(): void {
    let left = this.count;
    for (const c of this.chunks) {
      const m = Math.min(CHUNK, left);
      for (let k = 0; k < m; k++) {
        const mask = c.masks[k];
        const load: Record<string, number> = {};
        for (let j = 0; j < 4; j++) if (mask & (1 << j)) load[LOAD_KEYS[j]] = c.values[k * 5 + 1 + j];
        this.entries.push({ tick: c.values[k * 5], command: { type: 'setLoad', vps: c.ids[k], load } });
      }
      left -= m;
    }
    this.chunks = [];
    this.count = 0;
  }
}
