/**
 * The socket.io protocol, typed once for both ends:
 * server `Server<ClientToServer, ServerToClient>`, client `Socket<ServerToClient, ClientToServer>`.
 */
import type { Command, ModeSpec, PlanPatch, Load, VpsSpec } from './commands.js';
import type { Frame, GuestFault, HostFault, WorkloadProfile } from './model.js';
import type { VpsChange } from './events.js';
import type { WireHistory } from './wire.js';
import type { WireFrameMessage } from './wireFrame.js';
import type { ClockCommand, JoinMessage, LabCommand, LabRef } from './inbound.js';

export const ERROR_CODES = {
  INVALID_INPUT: 'INVALID_INPUT',
  UNKNOWN_LAB: 'UNKNOWN_LAB',
  UNKNOWN_VPS: 'UNKNOWN_VPS',
  FORBIDDEN: 'FORBIDDEN',
  RATE_LIMITED: 'RATE_LIMITED',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  ADMISSION_REFUSED: 'ADMISSION_REFUSED',
  CONFLICT: 'CONFLICT',
  INTERNAL: 'INTERNAL',
  /** No such REST endpoint (or resource other than a lab or VPS). */
  NOT_FOUND: 'NOT_FOUND',
  /** The lab is being restored after a restart: ask again in a moment. */
  RESTORING: 'RESTORING',
  /**
   * The process running the lab did not answer in time (a cluster whose Redis is away, or a lab
   * changing process): whether it applied is not known; send it again with its request id.
   */
  UNAVAILABLE: 'UNAVAILABLE',
  /**
   * A command or clock action applied (at the tick its message names) and runs in the lab, but its
   * record could not be saved (a full disk): saved with the next write that succeeds, lost if the
   * server stops before. Sending it again does not apply it again.
   */
  NOT_SAVED: 'NOT_SAVED',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export interface ApiError {
  code: ErrorCode;
  message: string;
  /** JSON path of the offending field, when one is to blame. */
  path?: string;
}

/**
 * The one answer shape: every REST response body (with an HTTP status that matches the error's
 * code) and every socket ack.
 */
export type Ack<T = unknown> = { ok: true; data: T } | { ok: false; error: ApiError };

/** A success answer. */
export function ok<T>(data: T): { ok: true; data: T } {
  return { ok: true, data };
}

/** A refusal answer; `path` names the offending field, when one is to blame. */
export function fail(code: ErrorCode, message: string, path?: string): { ok: false; error: ApiError } {
  return { ok: false, error: path ? { code, message, path } : { code, message } };
}

/** A guest misbehaviour in progress. */
export interface ActiveFault {
  vps: string;
  fault: GuestFault;
  sinceTick: number;
  /** Tick at which it stops by itself, if it carries a duration. */
  untilTick?: number;
  rate?: number;
  /** net_flood: `rx` when the guest is flooded from outside (default `tx`: it sends). */
  direction?: 'tx' | 'rx';
}

export interface ActiveHostFault {
  fault: HostFault;
  sinceTick: number;
  untilTick?: number;
}

/** One VPS as it stands now: its plan, sliders and profile. */
export type VpsState = Required<
  Pick<VpsSpec, 'id' | 'vcpus' | 'ramGiB' | 'diskIops' | 'netMbps' | 'weight'>
> &
  Pick<VpsSpec, 'cpuCapCores' | 'sensitivity' | 'sloMs' | 'role'> & {
    profile: WorkloadProfile;
    load: Required<Load>;
  };

/** What a lab is right now: enough to draw every control. */
export interface LabState {
  id: string;
  name: string;
  tick: number;
  tickMs: number;
  mode: ModeSpec;
  /** Second mode when this lab compares two. */
  compareMode?: ModeSpec;
  host: { cores: number; ramGiB: number; diskIops: number; netMbps: number; memBwGBs: number };
  vps: VpsState[];
  faults: ActiveFault[];
  hostFaults: ActiveHostFault[];
  speed: number;
  paused: boolean;
  /**
   * Each VPS's colour, given once by the server and the same in every browser: the lab's VPSs' and
   * those of the 64 VPSs removed last (a removed VPS's chart past is drawn alike), no others.
   */
  colors?: Record<string, string>;
  /** How many browsers watch this lab now. */
  viewers?: number;
  /**
   * The scenario's scheduled events not applied yet, soonest first (at most UPCOMING_MAX): the
   * charts show them on the time axis before they fire.
   */
  upcoming?: { tick: number; command: Command }[];
}

/** Most scheduled events a lab state lists ahead. */
export const UPCOMING_MAX = 20;

/** A lab's log entry: who changed what, or when a fault began or ended. */
export interface LabEvent {
  tick: number;
  /** `fork`: where a compare lab forked from another starts (one entry, at the fork's tick). */
  kind: 'command' | 'faultEnded' | 'admission' | 'oom' | 'reboot' | 'info' | 'fork';
  /** Who issued it: a browser ("viewer 3", "teacher"), "rest", "scenario", or "engine". */
  by: string;
  /** The line of text (shared/events.ts `describeEvent`, `describeCommand`); never parsed back. */
  message: string;
  command?: Command;
  /** The side of a compare lab it concerns (0: `mode`, 1: `compareMode`); absent: every side. */
  side?: number;
  /** The VPS it concerns, if one. */
  vps?: string;
  /** The fault it concerns, if one. */
  fault?: GuestFault | HostFault;
  /** A VPS's change of state (with `vps`). */
  change?: VpsChange;
  /**
   * Set on the entries a compare fork starts with: the name of the lab it happened in, before the
   * fork (its `message` already says so). Neither side of the fork did it as such: both sides'
   * charts show that lab's past up to the fork.
   */
  from?: string;
}

/**
 * Frames of a compare lab carry one frame per mode. This is the decoded form: on the socket a
 * frame travels as a `WireFrameMessage` (shared/wireFrame.ts), decoded with `decodeFrameMessage`.
 */
export interface FrameMessage {
  lab: string;
  tick: number;
  frames: Frame[];
  /** Ticks since the previous broadcast it did not carry (at 1×), oldest first: see WireFrameMessage. */
  missed?: Frame[][];
}

/**
 * Why a lab does not step for this viewer now. `store`: the cluster's store (Redis) does not answer
 * the process running the lab, so that process cannot be sure it still owns the lab (its lease may
 * have passed to another) and does not step it; the lab goes on from where it stood once the store
 * answers (the held time is skipped, never run in a burst). `relay`: the lab runs on another
 * process, whose frames (and word of its holding) come through the store, and the store does not
 * answer the process this viewer is connected to; `held: null` follows once frames can flow (a
 * viewer that joined meanwhile joins again then for its snapshot). `owner`: the lab runs on another
 * process, which stopped renewing its hold on the lab while the store answers this one: that
 * process died, or the store does not answer it; another process takes the lab over once its hold
 * runs out (`held: null` comes ahead of its frames), or it goes on once the store answers it.
 */
export type HeldReason = 'store' | 'relay' | 'owner';

export interface SnapshotMessage {
  lab: string;
  /** The lab is held (not stepped) for this reason; absent while it runs. */
  held?: HeldReason;
  state: LabState;
  /**
   * Bounded recent history, oldest first, one entry per broadcast, in columns (each metric one
   * delta- and run-length-coded column over time); its newest entry also travels whole (`latest`).
   * Longer windows come downsampled from `GET /api/labs/:id/history`.
   */
  historyColumns: WireHistory;
  events: LabEvent[];
  /** Whether this connection may steer (has the control token, or none is required). */
  canControl: boolean;
  /** This connection's name in the log's `by` ("viewer 3", "teacher"), so the page can say "you". */
  you?: string;
}

export interface LabSummary {
  id: string;
  name: string;
  mode: ModeSpec;
  compareMode?: ModeSpec;
  tick: number;
  vpsCount: number;
  clients: number;
  speed?: number;
  paused?: boolean;
}

/** What a clock action answers: the lab's tick and pace after it. */
export interface ClockResult {
  tick: number;
  speed: number;
  paused: boolean;
}

export interface ServerToClient {
  snapshot: (msg: SnapshotMessage) => void;
  /** Sent volatile: a slow client may miss some; each carries its tick. Decode with shared/wireFrame.ts. */
  frame: (msg: WireFrameMessage) => void;
  event: (msg: { lab: string; event: LabEvent; state?: LabState }) => void;
  error: (err: ApiError) => void;
  /** How many browsers watch the lab, sent to its room when one joins or leaves. */
  viewers: (msg: { lab: string; count: number }) => void;
  /** The lab stopped being stepped for a while (`held`: why), or steps again (`held: null`). */
  held: (msg: { lab: string; held: HeldReason | null }) => void;
  /** The lab went back to its start: join again for a fresh snapshot. */
  reset: (msg: { lab: string }) => void;
  /**
   * The list of labs changed (one was created, removed, or is back after a restart): ask
   * `GET /api/labs` again. Sent only to connections whose handshake asked for it (`LABS_QUERY`).
   */
  labs: () => void;
}

/** The handshake query (`?labs=1`) of a connection that wants `labs` when the list of labs changes. */
export const LABS_QUERY = { labs: '1' } as const;

export interface ClientToServer {
  /** `restoring: true`: the lab is being restored after a restart; its snapshot follows when it is back. */
  join: (msg: JoinMessage, ack?: (r: Ack<{ lab: string; restoring?: boolean }>) => void) => void;
  leave: (msg: LabRef, ack?: (r: Ack<{ lab: string }>) => void) => void;
  command: (msg: LabCommand, ack?: (r: Ack<{ tick: number }>) => void) => void;
  clock: (msg: ClockCommand, ack?: (r: Ack<ClockResult>) => void) => void;
}

export type { Command, ModeSpec, PlanPatch, Load, VpsSpec, WireFrameMessage, WireHistory };
export type { ClockCommand, JoinMessage, LabCommand, LabRef };
