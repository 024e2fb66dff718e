/**
 * What a live lab is built from: its limits, its engines and starting scenario, and what a
 * restored lab takes back from its snapshot (pace, log, request ids).
 */
import type { Logger } from 'pino';
import type { ModeSpec, Scenario } from '../../shared/commands.js';
import type { LabEvent } from '../../shared/protocol.js';
import type { Engine } from '../sim/api.js';
import type { LogRecord } from './clockActions.js';
import type { SavedRequest } from './requestIds.js';
import type { KeptColors } from './colorBook.js';

export interface LabLimits {
  maxVps: number;
  historyS: number;
  historyBytes: number;
  broadcastHz: number;
}

export interface LabInit {
  id: string;
  /** The scenario the lab started from (its events were scheduled into the engines). */
  scenario: Scenario;
  /** The two modes of a compare lab. */
  compare?: [ModeSpec, ModeSpec];
  engines: Engine[];
  now: number;
  logger: Logger;
  limits: LabLimits;
  speed?: number;
  paused?: boolean;
  seq?: number;
  events?: LabEvent[];
  /**
   * Called once per applied command or clock action, in order (persistence). When it returns a promise, the
   * command is acknowledged only once that promise settles (once the record is durable).
   */
  onCommand?: (rec: LogRecord) => Promise<void> | void;
  /** The lab's name when not its engines' scenario name (a fork). */
  name?: string;
  /** Colours already given (a fork keeps its source's). */
  colors?: KeptColors;
  /** Request ids already applied (from the snapshot it was restored from). */
  requests?: readonly SavedRequest[];
  /**
   * What keeps a command's record from being saved now (a cluster whose Redis does not answer),
   * named; null when nothing does. Commands and clock actions are refused meanwhile.
   */
  storeAway?: () => string | null;
  /**
   * Tell the lab's viewers of a record answered as not saved yet and then lost (`entry`, its log
   * entry); `here` records it in this lab's log, sent to this lab's viewers. Without it, `here`.
   */
  tellLost?: (entry: LabEvent, here: () => void) => void;
}
