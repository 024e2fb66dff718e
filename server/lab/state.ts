/** What a lab says about itself: its state (enough to draw every control) and its line in a list. */
import type { Command, ModeSpec, Scenario } from '../../shared/commands.js';
import { UPCOMING_MAX, type LabState, type LabSummary } from '../../shared/protocol.js';
import type { Engine } from '../sim/api.js';
import { scheduleOf } from '../sim/index.js';
import { ColorBook, type KeptColors } from './colorBook.js';

/** The parts of a lab its state is read from. */
export interface LabView {
  readonly id: string;
  readonly engines: readonly Engine[];
  readonly compare?: [ModeSpec, ModeSpec];
  readonly speed: number;
  readonly paused: boolean;
}

export class LabFacts {
  /** Each VPS's colour, given once: kept while it stays, and for a while once removed. */
  private colors: ColorBook;
  /** The scenario's events by tick (what the engines apply by themselves). */
  private readonly schedule: { tick: number; command: Command }[];

  /** `name`: the lab's name when not its engines' scenario name (a fork); `colors`: those already given. */
  constructor(
    scenario: Scenario,
    colors: KeptColors | undefined,
    private readonly name: string | undefined,
  ) {
    this.schedule = scheduleOf(scenario);
    this.colors = new ColorBook(colors);
  }

  state(lab: LabView): LabState {
    const s = lab.engines[0].state();
    const out: LabState = {
      id: lab.id,
      ...s,
      name: this.name ?? s.name,
      speed: lab.speed,
      paused: lab.paused,
      colors: this.given(s.vps),
    };
    if (lab.compare) out.compareMode = lab.engines[1].state().mode;
    // Events at the engine's current tick are applied by its next step: still ahead.
    const upcoming = this.schedule.filter((e) => e.tick >= s.tick).slice(0, UPCOMING_MAX);
    if (upcoming.length) out.upcoming = upcoming;
    return out;
  }

  /**
   * The colours given, brought up to date with `vps`, the VPSs the lab has now (one now to each
   * without one): what viewers see. Called with every state the lab computes, which it does after
   * every applied command and every tick that changed it, live and in a replay alike.
   */
  given(vps: readonly { id: string }[]): Record<string, string> {
    this.colors.follow(vps.map((v) => v.id));
    return this.colors.given();
  }

  /** The colours as saved (brought up to date with `vps` first). */
  kept(vps: readonly { id: string }[]): KeptColors {
    this.colors.follow(vps.map((v) => v.id));
    return this.colors.kept();
  }

  /** Take saved colours in place of those given (a re-run that landed on its snapshot takes the snapshot's). */
  setColors(colors: KeptColors): void {
    this.colors = new ColorBook(colors);
  }

  summary(lab: LabView, clients: number): LabSummary {
    const s = lab.engines[0].state();
    return {
      id: lab.id,
      name: this.name ?? s.name,
      mode: s.mode,
      ...(lab.compare ? { compareMode: lab.engines[1].state().mode } : {}),
      tick: s.tick,
      vpsCount: s.vps.length,
      clients,
      speed: lab.speed,
      paused: lab.paused,
    };
  }
}
