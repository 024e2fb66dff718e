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
  ticks: Uint32Array;
  masks: Uint8Array;
  /** VPS ids (references to the command's own immutable strings). */
  ids: string[];
  /** The present load values of each move, packed (as many as its mask has bits). */
  values: Float64Array;
  /** Values used in `values`. */
  used: number;
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
    const mask = tick >= 0 && tick <= 0xffffffff && Number.isInteger(tick) ? compactMask(cmd) : -1;
    if (mask < 0) {
      this.flush();
      this.entries.push({ tick, command: cloneCommand(cmd) });
      return;
    }
    const k = this.count % CHUNK;
    if (k === 0)
      this.chunks.push({
        ticks: new Uint32Array(CHUNK),
        masks: new Uint8Array(CHUNK),
        ids: [],
        values: new Float64Array(CHUNK),
        used: 0,
      });
    const c = this.chunks[this.chunks.length - 1];
    if (c.used + 4 > c.values.length) {
      const values = new Float64Array(c.values.length * 2);
      values.set(c.values);
      c.values = values;
    }
    const load = (cmd as { load: Record<string, number> }).load;
    c.ticks[k] = tick;
    c.masks[k] = mask;
    c.ids.push((cmd as { vps: string }).vps);
    let u = c.used;
    for (let j = 0; j < 4; j++) if (mask & (1 << j)) c.values[u++] = load[LOAD_KEYS[j]];
    c.used = u;
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
      let u = 0;
      for (let k = 0; k < m; k++) {
        const mask = c.masks[k];
        const load: Record<string, number> = {};
        for (let j = 0; j < 4; j++) if (mask & (1 << j)) load[LOAD_KEYS[j]] = c.values[u++];
        this.entries.push({
          tick: c.ticks[k],
          command: { type: 'setLoad', vps: c.ids[k], load },
        });
      }
      left -= m;
    }
    this.chunks = [];
    this.count = 0;
  }
}
