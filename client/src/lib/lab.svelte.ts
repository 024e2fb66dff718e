/// <reference types="svelte" />
/**
 * One lab as the page sees it: the socket, the reactive state the controls read, and the chart
 * history (plain typed arrays, outside reactivity). Frames go to the series; the UI reads only
 * the latest frame and the lab state, both replaced (never mutated) so Svelte tracks them cheaply.
 */
import type { Frame, GuestFault, HostFault } from '../../../shared/model.js';
import type {
  Ack,
  ApiError,
  ClockCommand,
  ClockResult,
  Command,
  FrameMessage,
  HeldReason,
  LabEvent,
  LabState,
  ModeSpec,
  SnapshotMessage,
} from '../../../shared/protocol.js';
import { Coalescer } from './coalesce.js';
import { Countdown } from './countdown.js';
import { decodeFrameMessage } from './decode.js';
import { markerFor, type Marker } from './eventMarker.js';
import type { CoarseHistory } from './backfill.js';
import { fetchHistory, OlderHistory, type HistoryFetcher, type OlderWait } from './older.js';
import { olderNews, QUIET, type OlderNews } from './olderNews.js';
import { SeriesTable, SERIES_CAPACITY } from './series.js';
import { Requests, type RequestSocket, type Resending } from './requests.js';

export type { HistoryFetcher, OlderWait };

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

/** The socket surface the lab needs: sending, typed by the shared event map. */
export type LabSocket = RequestSocket;

/** What the server answers a clock action with. */
export type ClockAck = Ack<ClockResult>;

export const MAX_EVENTS = 500;
export const MAX_MARKERS = 400;

export class LabClient {
  readonly labId: string;
  status = $state<ConnectionStatus>('connecting');
  state = $state.raw<LabState | null>(null);
  /** The newest frames (one per mode of the lab). */
  latest = $state.raw<Frame[]>([]);
  events = $state.raw<LabEvent[]>([]);
  /** Whether this page may steer the lab (known from the first snapshot; false until then). */
  canControl = $state(false);
  lastError = $state.raw<ApiError | null>(null);
  /** Why the server refused to let this page join the lab (null once joined). */
  joinError = $state.raw<ApiError | null>(null);
  /** Tick of the newest frame held (-1 before any). */
  tick = $state(-1);
  /** Whether the first snapshot has arrived. */
  ready = $state(false);
  /** The server is restoring this lab after a restart: its snapshot follows when it is back. */
  restoring = $state(false);
  /** The server running the lab does not step it for now, and why (null while it steps). */
  held = $state<HeldReason | null>(null);
  /** This page's name in the log's `by` ("viewer 3"), from the snapshot. */
  you = $state<string | null>(null);
  /** How many browsers watch this lab. */
  viewers = $state(0);
  /** An action the server answered UNAVAILABLE, being sent again (null while none is). */
  resending = $state.raw<Resending | null>(null);

  /** Chart history, one table per mode of the lab. Not reactive: charts subscribe with `onData`. */
  readonly tables: SeriesTable[];
  /** Older history than the tables hold, downsampled by the server (per mode; null until asked). */
  readonly coarse: (CoarseHistory | null)[];
  /**
   * Per mode: the older history the window needs is not there yet and the page waits to ask for it
   * again, or has stopped asking (null while nothing is waited for).
   */
  olderWait = $state.raw<(OlderWait | null)[]>([null, null]);
  /** What the lab's one live region says of the older data (olderNews.ts: once per change, not per chart). */
  olderNews = $state.raw<OlderNews>(QUIET);
  private readonly older: OlderHistory;
  readonly markers: Marker[] = [];
  /** The newest simulated time every countdown on the page is told from (charts subscribe). */
  readonly countdown = new Countdown();
  // Plain callbacks, not state: nothing renders from this set.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly listeners = new Set<(full: boolean) => void>();
  /** Commands and clock actions sent and not yet answered (sent again, same id, after a drop). */
  private readonly requests = new Requests(
    (e) => (this.lastError = e),
    (r) => (this.resending = r),
  );

  /** How many commands and clock actions were sent and not yet answered. */
  get unanswered(): number {
    return this.requests.size;
  }

  /** The reactive view of the newest frame, refreshed at most every `uiIntervalMs` (charts get every frame). */
  private readonly ui: Coalescer<Frame[]>;

  constructor(
    labId: string,
    capacity = SERIES_CAPACITY,
    uiIntervalMs = 400,
    fetcher: HistoryFetcher = fetchHistory,
  ) {
    this.labId = labId;
    this.ui = new Coalescer(uiIntervalMs, (frames) => {
      this.latest = frames;
      this.tick = frames[0]?.tick ?? this.tick;
    });
    this.older = new OlderHistory(
      labId,
      fetcher,
      () => this.notify(true),
      (side, wait, arrived = false) => {
        if (this.olderWait[side] === wait) return;
        const next = [...this.olderWait];
        next[side] = wait;
        this.olderWait = next;
        const news = olderNews(this.olderNews, next, arrived);
        if (news !== this.olderNews) this.olderNews = news;
      },
    );
    this.coarse = this.older.coarse;
    this.tables = [new SeriesTable(capacity), new SeriesTable(capacity)];
  }

  /**
   * The charts show the last `windowS` seconds: when the live history is shorter (after a
   * reload), fetch the older part from the server, downsampled.
   */
  needHistory(windowS: number): void {
    this.older.want(windowS);
    this.fetchMissing();
  }

  /** The page is done with this lab: nothing more is fetched for it, nor waited for. */
  close(): void {
    this.older.close();
    this.countdown.close();
  }

  /**
   * Follows the page's life on `target` (the window). Hidden (`pagehide`: left, or put in the
   * back/forward cache), the page cancels its waits to ask for older history again, so no timer
   * fires for a page nobody sees; shown again from that cache (`pageshow`, persisted), it asks
   * afresh for what the charts still miss. Returns the function that stops following.
   */
  followPage(target: EventTarget): () => void {
    const hide = (): void => this.older.pause();
    const show = (e: Event): void => {
      if ((e as PageTransitionEvent).persisted) this.fetchMissing();
    };
    target.addEventListener('pagehide', hide);
    target.addEventListener('pageshow', show);
    return () => {
      target.removeEventListener('pagehide', hide);
      target.removeEventListener('pageshow', show);
    };
  }

  private fetchMissing(): void {
    const s = this.state;
    if (this.ready) this.older.fetchMissing(this.tables, s?.compareMode ? 2 : 1, s?.vps.length ?? 0);
  }

  /**
   * Call `fn` after every change of the chart history (`full` when it was replaced or extended
   * into the past, rather than appended to); returns the unsubscribe function.
   */
  onData(fn: (full: boolean) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private notify(full = false): void {
    this.countdown.set(this.tables[0].lastTime());
    for (const fn of this.listeners) fn(full);
  }

  get modes(): ModeSpec[] {
    const s = this.state;
    if (!s) return [];
    return s.compareMode ? [s.mode, s.compareMode] : [s.mode];
  }

  get isCompare(): boolean {
    return !!this.state?.compareMode;
  }

  /** Attach a connected socket (or a test double). */
  attach(socket: LabSocket | null): void {
    this.requests.attach(socket);
  }

  /**
   * The connection's state. What was sent before a drop and not answered is sent again (same
   * request id, applied once) when it is back, and answered then; see requests.ts.
   */
  setStatus(status: ConnectionStatus): void {
    this.status = status;
    this.requests.setConnected(status === 'connected');
  }

  /**
   * A full snapshot, as the socket carries it, replaces everything held: state, events, and the
   * whole chart history, whose columns go straight into the chart tables (no rows, no per-VPS
   * objects); only the newest entry is decoded for the UI.
   */
  applyWireSnapshot(msg: SnapshotMessage): void {
    if (msg.lab !== this.labId) return;
    this.resetTables();
    const h = msg.historyColumns;
    const ok = h && Array.isArray(h.ticks) && Array.isArray(h.modes) && Array.isArray(h.rows);
    if (ok) this.tables.forEach((t, i) => t.appendColumns(h, i));
    const last = ok && h.latest ? decodeFrameMessage(h.latest) : null;
    this.finishSnapshot(msg, last ?? undefined);
  }

  private resetTables(): void {
    for (const t of this.tables) t.clear();
    this.ui.cancel();
  }

  private finishSnapshot(msg: Omit<SnapshotMessage, 'historyColumns'>, last: FrameMessage | undefined): void {
    this.state = msg.state;
    this.held = msg.held ?? null;
    this.canControl = msg.canControl;
    this.you = msg.you ?? null;
    this.viewers = msg.state.viewers ?? this.viewers;
    this.events = msg.events.slice(-MAX_EVENTS);
    this.markers.length = 0;
    for (const e of this.events) this.addMarker(e);
    this.latest = last ? last.frames : [];
    this.tick = last ? last.tick : -1;
    this.ready = true;
    this.notify(true);
    this.fetchMissing();
  }

  /** A live frame; frames from another lab or not newer than what is held are dropped. */
  applyFrame(msg: FrameMessage): boolean {
    if (msg.lab !== this.labId || !this.ready) return false;
    if (msg.tick <= this.tables[0].lastTick) return false;
    for (const frames of msg.missed ?? [])
      if ((frames[0]?.tick ?? -1) > this.tables[0].lastTick) this.appendFrames({ ...msg, frames });
    this.appendFrames(msg);
    this.ui.push(msg.frames);
    this.notify();
    return true;
  }

  applyEvent(msg: { lab: string; event: LabEvent; state?: LabState }): void {
    if (msg.lab !== this.labId) return;
    const ev = this.events;
    this.events =
      ev.length >= MAX_EVENTS ? [...ev.slice(ev.length - MAX_EVENTS + 1), msg.event] : [...ev, msg.event];
    if (msg.state) this.state = msg.state;
    if (this.addMarker(msg.event)) this.notify();
  }

  private appendFrames(fm: FrameMessage): void {
    fm.frames.forEach((f, i) => this.tables[i]?.append(f));
  }

  private addMarker(e: LabEvent): boolean {
    const m = markerFor(e, this.state?.tickMs ?? 100);
    if (!m) return false;
    if (this.markers.length >= MAX_MARKERS) this.markers.shift();
    this.markers.push(m);
    return true;
  }

  /**
   * Send a simulation command; the answer is the server's ack (or an error when offline). One
   * request id per call: sent again after a drop, it is applied once.
   */
  send(cmd: Command): Promise<Ack<{ tick: number }>> {
    return this.requests.ask<{ tick: number }>((socket, requestId, done) =>
      socket.emit('command', { ...cmd, lab: this.labId, requestId }, done),
    );
  }

  clock(action: 'pause' | 'resume'): Promise<ClockAck>;
  clock(action: 'step', ticks?: number): Promise<ClockAck>;
  clock(action: 'speed', speed: number): Promise<ClockAck>;
  clock(action: ClockCommand['action'], n?: number): Promise<ClockAck> {
    const lab = this.labId;
    const msg: ClockCommand =
      action === 'step'
        ? { lab, action, ticks: n ?? 1 }
        : action === 'speed'
          ? { lab, action, speed: n ?? 1 }
          : { lab, action };
    return this.requests
      .ask<ClockResult>((socket, requestId, done) => socket.emit('clock', { ...msg, requestId }, done))
      .then((r) => {
        const s = this.state;
        if (r.ok && s) this.state = { ...s, paused: r.data.paused, speed: r.data.speed };
        return r;
      });
  }

  startFault(vps: string, fault: GuestFault): Promise<Ack<{ tick: number }>> {
    return this.send({ type: 'startFault', vps, fault });
  }

  stopFault(vps: string, fault: GuestFault): Promise<Ack<{ tick: number }>> {
    return this.send({ type: 'stopFault', vps, fault });
  }

  hostFault(fault: HostFault): Promise<Ack<{ tick: number }>> {
    return this.send({ type: 'hostFault', fault });
  }
}
