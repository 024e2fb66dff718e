/**
 * The scheduler's run-queue wait (model spec §3), as the Xen credit scheduler and CFS make it: a
 * waking vCPU that finds every core taken waits for the holder of its core to end its run, and
 * then for the runnable entities queued ahead of it.
 *
 * - Who holds the core: a CPU-bound entity (a hog, or a VPS whose vCPUs are all busy) runs whole
 *   slices, so the cores it holds are taken whenever a vCPU wakes; the rest of the cores are taken
 *   only as often as the light entities keep them busy. The run found in progress is length-biased:
 *   its mean residual is Σ (core time held × half its run) ÷ Σ core time held.
 * - Priorities: credits are shared among the active entities by weight, so an entity using more
 *   than its weighted share of the host is OVER. A light vCPU waking with credit left is queued
 *   ahead of every OVER entity, behind the runnable entities of its own priority; nothing preempts
 *   the run in progress, so an OVER hog still holds its whole slice.
 * - How many are ahead: the work of the entities at the waker's priority arrives as a queue whose
 *   mean wait is the residual ÷ (1 − their load per core) (Pollaczek–Khinchine), and never more
 *   than one run of each other entity queued on the core: (runnable entities per core − 1) runs.
 *
 * A request meets the scheduler at every point where its path wakes a vCPU: the guest's vCPU on
 * the request's arrival and again when its disk I/O completes; under a driver domain (para) each
 * I/O also wakes Dom0's backend (netback on receive and on transmit, blkback on submit and on
 * completion). The wait a request carries is the sum over those wake-ups.
 */

/**
 * Mean wait of one wake-up, ms. The arguments describe everyone but the waker (its own runs do not
 * delay it): `got` Σ granted cores, `bound` of it the cores held by CPU-bound entities, `heldMs`
 * Σ core time × half its run, `ahead` the cores used by entities at the waker's priority or above,
 * `entities` the runnable vCPUs. `contended`: the share holds someone back (every core has a queue).
 */
export function wakeWaitMs(
  cores: number,
  contended: boolean,
  got: number,
  bound: number,
  heldMs: number,
  ahead: number,
  entities: number,
): number {
  if (got <= 1e-12 || heldMs <= 0 || cores <= 0) return 0;
  // The chance every core is taken: the cores CPU-bound entities hold are; each of the others is
  // taken as often as the light work keeps it busy.
  let busyP = 1;
  if (!contended && bound < cores) {
    const free = cores - bound;
    const u = (got - bound) / free;
    if (u <= 0) return 0;
    if (u < 1) {
      // Many free cores and light work: u^free ≤ u^16, and a chance under 2^−60 is none (four
      // squarings spare the slow Math.pow on the common path of a large, lightly loaded host).
      if (free >= 16) {
        const u2 = u * u,
          u4 = u2 * u2,
          u8 = u4 * u4;
        if (u8 * u8 < 2 ** -60) return 0;
      }
      busyP = Math.pow(u, free);
    }
  }
  const residual = heldMs / got;
  // Entities queued ahead: a queue of the same-priority work (P-K), at most one run of each of the
  // other entities on the core.
  const perCore = entities / cores;
  const most = perCore > 1 ? perCore : 1;
  const rho = ahead / cores;
  const queue = rho < 1 - 1 / most ? 1 / (1 - rho) : most;
  return busyP * residual * queue;
}

/** Wake-ups of the guest's own vCPU on a request's path: its arrival, and its disk I/O's completion. */
export function guestWakes(useDisk: boolean): number {
  return useDisk ? 2 : 1;
}

/**
 * Wake-ups of the driver domain's backends on a request's path (para): netback on receive and on
 * transmit, blkback on submit and on completion.
 */
export function dom0Wakes(useDisk: boolean, useNet: boolean): number {
  return (useNet ? 2 : 0) + (useDisk ? 2 : 0);
}
