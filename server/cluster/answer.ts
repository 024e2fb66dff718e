/**
 * What a process answers other processes about a lab it owns: a viewer's snapshot (encoded once
 * per tick and options, so a class joining together shares it), a command, a clock action. The
 * answer is JSON text, or null when the lab is not this process's.
 */
import type { Command } from '../../shared/commands.js';
import type { ClockAction } from '../../shared/inbound.js';
import type { Lab } from '../lab/lab.js';
import { snapshotOf, type SnapshotOptions } from '../net/snapshot.js';

export interface AnswerDeps {
  /** The lab, when this process owns it. */
  owned(id: unknown): Lab | undefined;
  /** Viewers of a lab connected to this process. */
  localViewers(id: string): number;
}

/** A request as another process sent it (the command and action were checked at the edge of the process the viewer is connected to). */
interface Asked {
  lab?: unknown;
  canControl?: unknown;
  opts?: SnapshotOptions;
  command?: Command;
  action?: ClockAction;
  by?: unknown;
  /** The request id (checked where the request came in). */
  rid?: unknown;
}

export class Answers {
  /** The last snapshot answer, as text. */
  private snapshotText: { key: string; text: string } | null = null;

  constructor(private readonly d: AnswerDeps) {}

  /** Answer a request of `kind` (null: not ours, or nothing to answer). */
  async answer(kind: string, payload: unknown): Promise<string | null> {
    const msg = (payload ?? {}) as Asked;
    const lab = this.d.owned(msg.lab);
    if (!lab) return null;
    const by = String(msg.by).slice(0, 16);
    const rid = typeof msg.rid === 'string' ? msg.rid : undefined;
    switch (kind) {
      case 'snapshot':
        return this.snapshot(lab, msg.canControl === true, msg.opts ?? {});
      case 'command':
        return msg.command ? JSON.stringify(await lab.submit(msg.command, by, rid)) : null;
      case 'clock':
        return msg.action ? JSON.stringify(await lab.clock(msg.action, by, rid)) : null;
      default:
        return null;
    }
  }

  private snapshot(lab: Lab, canControl: boolean, opts: SnapshotOptions): string {
    // Viewers joining together (a class opening the page) share one encoding per tick.
    const key = `${lab.id}:${lab.history.lastTick}:${JSON.stringify([canControl, opts])}`;
    if (this.snapshotText?.key !== key)
      this.snapshotText = {
        key,
        text: JSON.stringify({
          ok: true,
          data: snapshotOf(lab, canControl, this.d.localViewers(lab.id), opts),
        }),
      };
    return this.snapshotText.text;
  }
}
