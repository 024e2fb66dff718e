/**
 * A command or clock action answered as not saved yet whose record was then lost (another process
 * took its lab over before Redis took the record): the process running the lab now tells its
 * viewers, on every process, and its log keeps the entry (a page joining later finds it, the next
 * snapshot saves it). The process that lost the record asks every process through Redis (a
 * server-side emit); when none runs the lab (it is changing process again), or none answers, it
 * tells the viewers itself, from the lab it stopped running.
 */
import type { Server } from 'socket.io';
import type { LabEvent } from '../../shared/protocol.js';
import type { Lab } from '../lab/lab.js';
import type { Registry } from '../lab/registry.js';

/** The server-side event that carries a lost record's log entry to the process running its lab. */
export const LOST_RECORD = 'lostRecord';

/** The entry as another process sent it, rebuilt from its checked fields; null when it is not one. */
function entryOf(msg: unknown): { lab: string; entry: LabEvent } | null {
  const m = msg as { lab?: unknown; entry?: Partial<Record<keyof LabEvent, unknown>> } | null;
  const e = m?.entry;
  if (typeof m?.lab !== 'string' || !e) return null;
  const { tick, by, message, vps } = e;
  if (!Number.isSafeInteger(tick) || (tick as number) < 0) return null;
  if (typeof by !== 'string' || typeof message !== 'string') return null;
  const entry: LabEvent = {
    tick: tick as number,
    kind: 'info',
    by: by.slice(0, 64),
    message: message.slice(0, 2000),
  };
  if (typeof vps === 'string') entry.vps = vps.slice(0, 64);
  return { lab: m.lab, entry };
}

/** Wire the telling of lost records into `registry`; `owned(id)`: lab `id`, when this process runs it. */
export function tellLostRecords(
  io: Server,
  registry: Registry,
  owned: (id: string) => Lab | undefined,
): void {
  io.on(LOST_RECORD, (msg: unknown, ack?: (kept: boolean) => void) => {
    const told = entryOf(msg);
    const lab = told && owned(told.lab);
    if (lab && told) lab.note(told.entry);
    if (typeof ack === 'function') ack(!!lab);
  });
  registry.tellLostWith((id, entry, here) => {
    if (owned(id)) return here();
    // Answered by every other process (or cut short after the adapter's 5 s): kept by one, or told here.
    io.serverSideEmit(LOST_RECORD, { lab: id, entry }, (err: unknown, kept: unknown[] = []) => {
      if (!kept.includes(true)) here();
    });
  });
}
