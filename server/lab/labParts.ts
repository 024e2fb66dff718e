/**
 * The parts of a lab on disk: each part's file in the lab's folder, and the largest each may be
 * (checked before it is read).
 */
import type { LabPart } from './store.js';

/** progress.json's fixed size (a safe integer tick fits). */
export const PROGRESS_BYTES = 40;
const MiB = 1 << 20;
/**
 * The largest each file of a lab may be; its size is checked before it is read, and a larger one
 * is never read (a damaged part, or no lab's). Three times or more what the largest lab makes:
 * - meta.json holds a scenario that came in a request body of at most 1 MB (64 KB on the socket),
 *   validated (defaults filled in: about 1.15 times its size): under 2 MiB; after a reset, also
 *   the colours kept (colorBook.ts: the lab's VPSs, at most 8192, and the 64 removed last, about
 *   60 bytes each): under 0.5 MiB more. Before they were bounded, a colour for every VPS id ever
 *   added could take a meta over its cap.
 * - snapshot.json holds two engines of up to 8192 VPSs (MAX_VPS_PER_LAB's highest) at about 220
 *   bytes each, each with its scenario (under 2 MiB), the event log (1000 entries of up to 4000
 *   characters) and 1000 request ids: under 16 MiB.
 * - progress.json is written PROGRESS_BYTES long.
 * - start.json is a snapshot (a fork's at its first tick): as snapshot.json.
 * - commands.ndjson grows as long as the lab runs; it is held in memory whole (several times over,
 *   as lines and records) to be re-run: 256 MiB is over 1.5 million records, ten commands a second
 *   for two days on end. A longer log is not read; its lab stays on disk, not started.
 */
export const FILE_CAPS: Record<LabPart, number> = {
  meta: 8 * MiB,
  snapshot: 64 * MiB,
  progress: 4096,
  commands: 256 * MiB,
  start: 64 * MiB,
};
/** Each part of a lab, by file. */
export const FILES: Record<LabPart, string> = {
  meta: 'meta.json',
  snapshot: 'snapshot.json',
  progress: 'progress.json',
  commands: 'commands.ndjson',
  start: 'start.json',
};
/** Beside a fork saved before starts were kept: its start.json is missing, and that was said. */
export const START_MISSING = 'start.missing';
