/** What a registry (registry.ts) is built with: its ports (clock, engines, store), limits and cluster hooks. */
import type { Logger } from 'pino';
import type { HeldReason } from '../../shared/protocol.js';
import type { Clock } from './clock.js';
import type { EngineFactory } from './engines.js';
import type { Lab, LabLimits } from './lab.js';
import type { Store } from './store.js';

/** A saved lab up to this many ticks old is re-run from its start on restore, to bring back its history. */
export const REBUILD_TICKS = 36_000;

export interface RegistryOptions {
  clock: Clock;
  logger: Logger;
  engines: EngineFactory;
  store?: Store;
  maxLabs: number;
  limits: LabLimits;
  snapshotEveryS: number;
  /** Pump period in ms (how often due ticks run). */
  pumpMs?: number;
  /** Saved labs up to this many ticks old are re-run on restore to bring back their history. */
  rebuildTicks?: number;
  /** Ids taken elsewhere (by other processes of a cluster), avoided when naming a new lab. */
  taken?: (id: string) => boolean;
  /**
   * Why this process may not step the lab now, or null when it may (a cluster process steps a lab
   * only while it surely owns it).
   */
  heldBy?: (lab: Lab) => HeldReason | null;
  /**
   * What keeps the store from taking a write now (a cluster's Redis that does not answer), named;
   * null when nothing does. A new lab, a reset, a deletion and every command are refused meanwhile
   * (UNAVAILABLE), changing nothing.
   */
  storeAway?: () => string | null;
}
