/**
 * Which mode each tick of a run ran under, read from where it started and its applied commands:
 * a `setMode` logged at tick T precedes tick T's step, so that tick is the first in the new mode.
 * A lab's kept frames carry no mode; its CSV's mode column comes from here.
 */
import type { ModeSpec } from '../../shared/commands.js';
import { modeLabel } from '../../shared/events.js';
import type { AppliedCommand } from '../sim/api.js';

export class ModeTimeline {
  /** Ticks from which `modes[k]` holds, ascending; `ticks[0]` is 0 (the starting mode). */
  private readonly ticks: number[] = [0];
  private readonly modes: ModeSpec[];

  /** `start`: the mode of tick 0; `log`: every command applied since, in order (an engine's `log()`). */
  constructor(start: ModeSpec, log: readonly AppliedCommand[]) {
    this.modes = [start];
    for (const { tick, command } of log) {
      if (command.type !== 'setMode') continue;
      if (this.ticks[this.ticks.length - 1] === tick) this.modes[this.modes.length - 1] = command.mode;
      else {
        this.ticks.push(tick);
        this.modes.push(command.mode);
      }
    }
  }

  /** The mode tick `tick` ran under. */
  at(tick: number): ModeSpec {
    let lo = 0;
    let hi = this.ticks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.ticks[mid] <= tick) lo = mid;
      else hi = mid - 1;
    }
    return this.modes[lo];
  }
}

/** A tick from which a run ran under another mode than the tick before. */
export interface ModeSwitch {
  tick: number;
  mode: ModeSpec;
}

/**
 * Follows a run's mode as it runs (what its engine says after each step): the ticks where it
 * changed. A switch to the mode already held is no change.
 */
export class ModeTrack {
  readonly switches: ModeSwitch[] = [];
  private last: ModeSpec;
  private lastJson: string;

  /** `start`: the mode the run was started in. */
  constructor(readonly start: ModeSpec) {
    this.last = start;
    this.lastJson = JSON.stringify(start);
  }

  /** Records that tick `tick` ran under `mode`. */
  at(tick: number, mode: ModeSpec): void {
    if (mode === this.last) return;
    const json = JSON.stringify(mode);
    this.last = mode;
    if (json === this.lastJson) return;
    this.lastJson = json;
    this.switches.push({ tick, mode });
  }
}

/** A run's modes for people: `para`, or `para, then full from tick 412, then container from tick 900`. */
export function modeStory(start: ModeSpec, switches: readonly ModeSwitch[]): string {
  return [modeLabel(start), ...switches.map((s) => `then ${modeLabel(s.mode)} from tick ${s.tick}`)].join(
    ', ',
  );
}

/**
 * A run's modes in a few characters, for a column head: `para`, `para→full`, or past three modes
 * the first and the last (`container→…→full`); `modeStory` says when each began.
 */
export function modeTrail(start: ModeSpec, switches: readonly ModeSwitch[]): string {
  const labels = [start, ...switches.map((s) => s.mode)].map(modeLabel);
  return labels.length > 3 ? `${labels[0]}→…→${labels.at(-1)!}` : labels.join('→');
}
