/**
 * The engine's public surface: what the runner, the live lab and the tests use.
 * The engine is pure: no I/O, no clock, no unseeded randomness. Everything random comes from the seeded
 * PRNG whose state is part of the engine state, so save() → restore() continues bit-identically.
 */
import type { Command, ModeSpec, Scenario } from '../../shared/commands.js';
import type { EngineEvent } from '../../shared/events.js';
import type { Frame } from '../../shared/model.js';
import type { ActiveFault, ActiveHostFault, ApiError, LabState } from '../../shared/protocol.js';

/** A command as it was applied: `tick` is the tick whose step it preceded. */
export interface AppliedCommand {
  tick: number;
  command: Command;
}

/** The simulation part of a lab's state (no pacing, no id). */
export type EngineState = Pick<
  LabState,
  'name' | 'tick' | 'tickMs' | 'mode' | 'host' | 'vps' | 'faults' | 'hostFaults'
>;

export interface Engine {
  /** Index of the next tick to compute (0 before the first step). */
  readonly tick: number;
  readonly tickMs: number;
  /**
   * Apply a command at the current tick boundary (before the next step).
   * Invalid for the current state (unknown VPS, admission refused, …): an error, nothing changes.
   */
  apply(cmd: Command): { ok: true } | { ok: false; error: ApiError };
  /** Advance one tick: applies scheduled scenario events due at this tick, then computes the frame. */
  step(): Frame;
  state(): EngineState;
  /** Every command applied so far (scheduled and live), in order: replaying them reproduces the run. */
  log(): readonly AppliedCommand[];
  /**
   * What the engine did since the last call, as data (scheduled commands applied or refused,
   * faults that ended, OOM kills, VPSs going down or back up, notes on commands); the engine keeps
   * nothing once taken, so a caller drains it every tick.
   */
  takeEvents(): EngineEvent[];
  /** A JSON-serializable snapshot; restoreEngine(save()) continues bit-identically. */
  save(): unknown;
}

export type { ActiveFault, ActiveHostFault, Command, EngineEvent, ModeSpec, Scenario, Frame };
