/**
 * The scheduler's run-queue wait (model spec §3), as the Xen credit scheduler and CFS make it: a
 * waking vCPU that finds every core taken waits for the holder of its core to end its run, and
 * then for the runnable entities queued ahead of it.
 *
 * - Whether the core is taken: each core is busy as often as the others' work keeps the host's
 *   cores busy, so the chance a waking vCPU finds every core taken is u^cores, u the others' share
 *   of the cores (1 when the share is contended). This does not tell a CPU-bound entity pinned to
 *   its cores from the same work spread over all of them (for the pinned one it is an upper bound:
 *   a product of core utilizations with a fixed sum is largest when they are equal), so a
 *   neighbour turning CPU-bound never lowers the chance.
 * - Who holds the core: a CPU-bound entity (a hog, or a VPS whose vCPUs are all busy) runs whole
 *   slices, a light one one request's CPU stage. The run found in progress is length-biased: its
 *   mean residual is Σ (core time held × half its run) ÷ Σ core time held.
 * - Priorities: credits are shared by weight among the guests that are up and Dom0, so an
 *   entity's fair share is its weight's part of the cores. It runs with credit left for as much of
 *   its time as that share pays for and OVER for the rest: a light vCPU waking with credit left is
 *   queued ahead of the OVER part of every run, behind the part run with credit left (`credited`);
 *   nothing preempts the run in progress, so an OVER hog still holds its whole slice. So a
 *   neighbour using more never takes less of the queue ahead, and never changes anyone else's part.
 * - How many are ahead: the work of the entities at the waker's priority arrives as a queue whose
 *   mean wait is the residual ÷ (1 − their load per core) (Pollaczek–Khinchine), and never more
 *   than one run of each other entity queued on the core: (runnable entities per core − 1) runs.
 *
 * A request meets the scheduler at every point where its path wakes a vCPU: the guest's vCPU on
 * the request's arrival and again when its disk I/O completes; under a driver domain (para) each
 * I/O also wakes Dom0's backend (netback on receive and on transmit, blkback on submit and on
 * completion). The wait a request carries is the sum over those wake-ups.
 */
import * as allocMod from './allocate.js';

const { vcpuShareAt } = allocMod;

/**
 * Mean wait of one wake-up, ms. The arguments describe everyone but the waker (its own runs do not
 * delay it): `got` Σ granted cores, `heldMs` Σ core time × half its run, `ahead` the cores used at
 * the waker's priority or above, `entities` the runnable vCPUs. `contended`: the share holds
 * someone back (every core has a queue).
 */
export function wakeWaitMs(
  cores: number,
  contended: boolean,
  got: number,
  heldMs: number,
  ahead: number,
  entities: number,
): number {
  if (got <= 1e-12 || heldMs <= 0 || cores <= 0) return 0;
  // The chance every core is taken: each as busy as the others' work keeps the cores.
  let busyP = 1;
  if (!contended) {
    const u = got / cores;
    if (u < 1) {
      // Many cores and light work: u^cores ≤ u^16, and a chance under 2^−60 is none (four
      // squarings spare the slow Math.pow on the common path of a large, lightly loaded host).
      if (cores >= 16) {
        const u2 = u * u,
          u4 = u2 * u2,
          u8 = u4 * u4;
        if (u8 * u8 < 2 ** -60) return 0;
      }
      busyP = Math.pow(u, cores);
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

/**
 * The part of an entity's granted cores it runs with credit left (queued ahead of a light waker):
 * what it would get were the share's level its fair level `unit` (the cores over all weights).
 * Under domain weighting its use up to min(limit, unit × weight); under flat vCPU weighting each
 * of its vCPUs' use up to `unit`. A share that holds anyone back has a level at or above `unit`,
 * so what a neighbour asks never changes anyone else's part.
 */
export function credited(
  domainW: boolean,
  got: number,
  demand: number,
  limit: number,
  wgt: number,
  unit: number,
): number {
  const fair = domainW ? Math.min(limit, unit * wgt) : vcpuShareAt(demand, limit, unit);
  return got < fair ? got : fair;
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
