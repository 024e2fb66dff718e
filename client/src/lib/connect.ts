/**
 * The live link: a socket.io client that joins one lab, feeds the LabClient, and rejoins after
 * every reconnect (the server then sends a fresh snapshot, which replaces the chart history).
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { LABS_QUERY, type ClientToServer, type ServerToClient } from '../../../shared/protocol.js';
import type { LabClient } from './lab.svelte.js';
import { decodeFrameMessage } from './decode.js';
import { controlToken } from './api.js';
import { CHART_METRICS } from './series.js';
import { vpsColors } from './colors.js';
import { leavesHole } from './holes.js';
import { labList } from './labList.svelte.js';

/** A join answered without a snapshot within this long is asked again (and the page says so). */
const SNAPSHOT_WAIT_MS = 10_000;
/** While the lab is being restored, the join is asked again this often (quietly). */
const RESTORING_RECHECK_MS = 10_000;

type LabIo = Socket<ServerToClient, ClientToServer>;

export interface ConnectOptions {
  /** Opens the socket (default: socket.io to this page's origin). */
  open?: (opts: Partial<ManagerOptions & SocketOptions>) => LabIo;
  /** The control token (default: from the page's URL or session). */
  token?: string;
  /**
   * Called when the list of labs may have changed: on every (re)connect, and when the server says
   * so (default: the page's lab menu asks the server again).
   */
  onLabs?: () => void;
}

export function connectLab(client: LabClient, opts: ConnectOptions = {}): () => void {
  const token = 'token' in opts ? opts.token : controlToken();
  const labsChanged = opts.onLabs ?? (() => void labList.refresh());
  const socket: LabIo = (opts.open ?? ((o) => io(o)))({
    transports: ['websocket'],
    auth: token ? { token } : {},
    // Told when the list of labs changes, for the lab menu.
    query: { ...LABS_QUERY },
    reconnectionDelay: 500,
    reconnectionDelayMax: 4000,
  });
  client.attach(socket);
  client.setStatus('connecting');

  let watchdog: ReturnType<typeof setTimeout> | null = null;
  /** A snapshot was asked for to fill a hole in the live stream, and has not come yet. */
  let refilling = false;
  const stopWatchdog = (): void => {
    if (watchdog) clearTimeout(watchdog);
    watchdog = null;
  };
  const join = (): void => {
    stopWatchdog();
    // The history's columns carry the charted metrics only: a tenth of the bytes of whole frames.
    socket.emit('join', { lab: client.labId, metrics: [...CHART_METRICS] }, (r) => {
      if (!r.ok) {
        refilling = false;
        // A page without its lab says why in the lab's place; a banner would say it twice, as an
        // action "not applied" that nobody took. One showing its lab keeps it, and says so above.
        if (client.ready) client.lastError = r.error;
        client.joinError = r.error;
        return;
      }
      client.joinError = null;
      if (r.data?.restoring) {
        // Not an error: the server sends the snapshot once the lab is back. Asked again now and
        // then in case that moment passed while this page was offline.
        client.restoring = true;
        watchdog = setTimeout(join, RESTORING_RECHECK_MS);
        return;
      }
      watchdog = setTimeout(() => {
        // Held for this page, the snapshot cannot come: the page already says why (asked again quietly).
        if (!client.held)
          client.lastError = {
            code: 'INTERNAL',
            message: 'The server joined this lab but sent no history; asking again',
          };
        join();
      }, SNAPSHOT_WAIT_MS);
    });
  };

  socket.on('connect', () => {
    client.setStatus('connected');
    join();
    // Back after an outage (a server restart): labs may have come or gone meanwhile.
    labsChanged();
  });
  socket.on('labs', labsChanged);
  socket.on('disconnect', () => {
    stopWatchdog();
    refilling = false;
    client.setStatus('disconnected');
  });
  socket.on('connect_error', () => client.setStatus('disconnected'));
  socket.on('snapshot', (msg) => {
    stopWatchdog();
    refilling = false;
    // The server's colours are in place before anything draws with them.
    vpsColors.adopt(msg.state?.colors);
    client.restoring = false;
    client.applyWireSnapshot(msg);
  });
  socket.on('frame', (msg) => {
    const fm = decodeFrameMessage(msg);
    if (!fm) return;
    const hole = client.ready && leavesHole(client.tables[0], fm);
    // Ticks skipped by a many-tick step are in the server's history: a fresh snapshot brings them.
    const applied = client.applyFrame(fm);
    // A new frame: the lab steps (its `held: null` may have been lost on the way between processes).
    if (applied) client.held = null;
    if (applied && hole && !refilling) {
      refilling = true;
      join();
    }
  });
  socket.on('event', (msg) => {
    vpsColors.adopt(msg.state?.colors);
    client.applyEvent(msg);
  });
  socket.on('viewers', (msg) => {
    if (msg.lab === client.labId && Number.isInteger(msg.count)) client.viewers = msg.count;
  });
  socket.on('held', (msg) => {
    if (msg.lab !== client.labId) return;
    client.held = msg.held ?? null;
    // Joined while the lab was held for this page, it has no snapshot yet: it can come now.
    if (!client.held && !client.ready) join();
  });
  // The lab went back to its start: a fresh snapshot replaces everything held.
  socket.on('reset', (msg) => {
    if (msg.lab === client.labId) join();
  });
  socket.on('error', (err) => {
    // The lab this page shows was deleted (the server tells its watchers only): the page says it
    // cannot be shown any more, in its place, instead of going on showing it as live beside an
    // action "not applied" that nobody took.
    if (err?.code === 'UNKNOWN_LAB' && err.path === 'lab' && client.ready) {
      stopWatchdog();
      client.ready = false;
      // Nothing is left to steer: the header's clock and reset say they are unavailable.
      client.canControl = false;
      client.joinError = err;
      return;
    }
    client.lastError = err;
    // The lab this page waited for could not be restored: say so instead of waiting on.
    if (client.restoring && err?.path === 'lab') {
      stopWatchdog();
      client.restoring = false;
      client.joinError = err;
    }
  });

  return () => {
    stopWatchdog();
    socket.removeAllListeners();
    socket.disconnect();
    client.attach(null);
  };
}
