/**
 * The lab named in the URL is joined before the page mounts: the snapshot is on its way while the
 * rest of the script loads. (Laying the dashboard out before the snapshot arrives was measured to
 * hold the snapshot back by ~0.3 s, so the page shows a skeleton until then.)
 */
import { LabClient } from './lab.svelte.js';
import { connectLab } from './connect.js';

export interface Joined {
  client: LabClient;
  disconnect: () => void;
}

let early: Joined | null = null;

/** Open the lab's socket now. */
export function join(labId: string): Joined {
  const client = new LabClient(labId);
  const stop = connectLab(client);
  const unfollow = client.followPage(window);
  return {
    client,
    disconnect: () => {
      stop();
      unfollow();
      client.close();
    },
  };
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
