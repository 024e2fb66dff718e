/**
 * The socket.io server as this product types it: what each connection carries, and what a viewer
 * connected here may ask of labs another process of a cluster runs.
 */
import type { Server, Socket } from 'socket.io';
import type { Command } from '../../shared/commands.js';
import type { ClockAction } from '../../shared/inbound.js';
import type {
  Ack,
  ClientToServer,
  ClockResult,
  HeldReason,
  ServerToClient,
  SnapshotMessage,
} from '../../shared/protocol.js';
import type { TokenBucket } from './rate.js';
import type { SnapshotOptions } from './snapshot.js';

/** What the server keeps on each connection. */
export interface SocketData {
  /** Its name in the event log ("teacher", "viewer 3"). */
  by: string;
  /**
   * Set while its name waits for the saved labs' logs to be read (just after start): its joins and
   * steering wait for it, so none goes out under a name not yet given.
   */
  naming?: Promise<void>;
  canControl: boolean;
  commands: TokenBucket;
  joins: TokenBucket;
  /** Every message, whatever its event: at most what the other limits allow together. */
  messages: TokenBucket;
  garbage: TokenBucket;
}

export type IoServer = Server<ClientToServer, ServerToClient, Record<string, never>, SocketData>;
export type IoSocket = Socket<ClientToServer, ServerToClient, Record<string, never>, SocketData>;

/** Labs run by other processes of a cluster: what a viewer connected here may ask of them. */
export interface RemoteLabs {
  exists(id: string): Promise<boolean>;
  snapshot(id: string, canControl: boolean, opts: SnapshotOptions): Promise<Ack<SnapshotMessage>>;
  /** Apply a command at the lab's owner; `rid` (its request id) makes sending it again safe. */
  command(id: string, command: Command, by: string, rid: string): Promise<Ack<{ tick: number }>>;
  clock(id: string, action: ClockAction, by: string, rid: string): Promise<Ack<ClockResult>>;
  /**
   * The next viewer number of the whole service (viewers on different processes must not share a
   * name in a lab's log); undefined when it cannot be had now (Redis away).
   */
  viewerNumber(): Promise<number | undefined>;
  /**
   * Whether a viewer connected here sees lab `id` (run elsewhere) held, and why: its frames come
   * through the cluster's store, which may not answer this process (null: they flow).
   */
  held(id: string): HeldReason | null;
  /** A viewer joined lab `id` while it was held for it: tell it again once its frames flow. */
  toldHeld(id: string): void;
  /**
   * Whether lab `id`'s owner is silent now, its lease read again (the viewers here were told the lab
   * is held for that, and none has taken it over since; or, told nothing, no process has room to take
   * it over): a change for it is refused then.
   */
  ownerSilent(id: string): Promise<boolean>;
}
