/**
 * The lab named in the URL is joined before the page mounts: the snapshot is on its way while the
 * script lays out the dashboard, and the lab's state comes first over REST so the layout does not
 * wait for the snapshot.
 */
import type { LabState } from '../../../shared/protocol.js';
import { LabClient } from './lab.svelte.js';
import { connectLab } from './connect.js';

export interface Joined {
  client: LabClient;
  disconnect: () => void;
}

let early: Joined | null = null;

/** Longest the early state waits for the join request to leave. */
const JOIN_WAIT_MS = 1000;

/**
 * Open the lab's socket and ask for its state now. The state is applied (and the dashboard laid
 * out) only once the join request has left, so the layout work does not hold the join back.
 */
export function join(labId: string): Joined {
  const client = new LabClient(labId);
  let sent!: () => void;
  const joinSent = new Promise<void>((r) => (sent = r));
  const disconnect = connectLab(client, () => sent());
  setTimeout(() => sent(), JOIN_WAIT_MS);
  const state = fetch(`/api/labs/${encodeURIComponent(labId)}`, { headers: { accept: 'application/json' } })
    .then((r) => (r.ok ? (r.json() as Promise<LabState>) : null))
    .catch(() => null);
  void Promise.all([state, joinSent]).then(([s]) => {
    // The snapshot carries the state too; this only lets the layout start earlier.
    if (s) setTimeout(() => client.applyEarlyState(s), 0);
  });
  return { client, disconnect };
}

/** Join the lab early (called before mounting). */
export function preconnect(labId: string | null): void {
  if (labId) early = join(labId);
}

/** The early-joined lab if it is this one (handed over once), else a fresh join. */
export function joinLab(labId: string): Joined {
  const e = early;
  early = null;
  if (e && e.client.labId === labId) return e;
  e?.disconnect();
  return join(labId);
}
