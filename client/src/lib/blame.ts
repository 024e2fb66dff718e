/**
 * Who hurts whom, as the page shows it: the engine's per-tick attribution, smoothed over a few
 * seconds so the ranking does not flip tick to tick, a VPS never blamed as the victim of its own
 * misbehaviour, rows grouped by culprit, the strongest first. A shared kernel's outage is shown
 * whole while it lasts (every container is down because of one), not faded in and out. A new
 * situation (another mode, a VPS added or removed, the lab reset) starts the smoothing afresh: the
 * old situation's blame is dropped at once and the average is seeded from the frames that follow.
 */
import type { Attribution, Resource } from '../../../shared/model.js';

export interface BlameVictim {
  victim: string;
  share: number;
}

export interface BlameGroup {
  culprit: string;
  resource: Resource;
  victims: BlameVictim[];
  /** Sum of the victims' smoothed shares (what the groups are ranked by). */
  weight: number;
}

/** Weight of the newest frame in the running average (updates come about 2-3 times a second). */
const ALPHA = 0.15;
/** Smoothed shares under this are dropped (and shown as gone). */
const FLOOR = 0.02;

/** What the smoothing belongs to: when it changes, the average starts again. */
export interface BlameScope {
  /** The situation (mode, VPS membership): another value drops what was averaged. */
  key: string;
  /** Tick of the frame: one older than the last folded in means the lab went back (a reset). */
  tick: number;
}

export class Blame {
  private readonly avg = new Map<string, { a: Attribution; s: number }>();
  /** Frames folded in since the smoothing (re)started. */
  private frames = 0;
  private scope: BlameScope | null = null;

  /**
   * Fold in one frame's edges. `misbehaving`: VPSs with a fault of their own running, never
   * shown as victims (what they lack is their own doing). `scope`: the situation the frame
   * belongs to; a frame of another situation (or an older tick) restarts the smoothing.
   */
  update(edges: readonly Attribution[], misbehaving: ReadonlySet<string>, scope?: BlameScope): void {
    if (scope) {
      const last = this.scope;
      if (last && (last.key !== scope.key || scope.tick < last.tick)) this.clear();
      else if (last && scope.tick === last.tick) return;
      this.scope = scope;
    }
    // Right after a restart the average is a plain mean of the frames seen so far (the first
    // frame counts in full), then settles into the running average.
    const w = Math.max(ALPHA, 1 / (this.frames + 1));
    this.frames++;
    const seen = new Set<string>();
    for (const e of edges) {
      if (misbehaving.has(e.victim) || e.victim === e.culprit) continue;
      const k = `${e.culprit}\u0000${e.resource}\u0000${e.victim}`;
      seen.add(k);
      const cur = this.avg.get(k);
      const share = Math.max(0, Math.min(1, e.share));
      // The shared kernel's blast radius is no share to average: everyone is down because of the
      // culprit from the first frame that says so to the last.
      if (e.resource === 'kernel') this.avg.set(k, { a: e, s: share });
      else if (cur) cur.s += w * (share - cur.s);
      // A new edge fades in like it fades out: one tick does not reorder the list.
      else this.avg.set(k, { a: e, s: w * share });
    }
    for (const [k, v] of this.avg) {
      if (seen.has(k)) continue;
      if (misbehaving.has(v.a.victim) || v.a.resource === 'kernel') {
        this.avg.delete(k);
        continue;
      }
      v.s -= w * v.s;
      if (v.s < FLOOR) this.avg.delete(k);
    }
  }

  /** Groups by culprit and resource, strongest first; victims strongest first. */
  groups(): BlameGroup[] {
    const by = new Map<string, BlameGroup>();
    for (const { a, s } of this.avg.values()) {
      if (s < FLOOR) continue;
      const k = `${a.culprit}\u0000${a.resource}`;
      let g = by.get(k);
      if (!g) by.set(k, (g = { culprit: a.culprit, resource: a.resource, victims: [], weight: 0 }));
      g.victims.push({ victim: a.victim, share: s });
      g.weight += s;
    }
    const out = [...by.values()];
    for (const g of out) g.victims.sort((x, y) => y.share - x.share || x.victim.localeCompare(y.victim));
    return out.sort((x, y) => y.weight - x.weight || x.culprit.localeCompare(y.culprit));
  }

  /** Forgets everything averaged: the next frame seeds the smoothing. */
  clear(): void {
    this.avg.clear();
    this.frames = 0;
    this.scope = null;
  }
}

/** What a shared kernel's outage does to the containers it takes with it, in words. */
export interface KernelBlast {
  /** What the culprit does to them through the kernel ("takes down", "hangs"). */
  verb: string;
  /** The state they are in, as their cards say it ("down", "DNR"). */
  state: string;
}

/**
 * A shared kernel's blast radius as its culprit's fault makes it: a panic takes every container
 * down (they reboot with the kernel); a fork bomb fills the one process table, so every container
 * still runs but none can fork a worker: hung, they do not respond (DNR). `faults`: those running.
 */
export function kernelBlast(culprit: string, faults: readonly { vps: string; fault: string }[]): KernelBlast {
  const own = faults.filter((f) => f.vps === culprit);
  const panic = own.some((f) => f.fault === 'kernel_panic');
  if (!panic && own.some((f) => f.fault === 'fork_bomb')) return { verb: 'hangs', state: 'DNR' };
  return { verb: 'takes down', state: 'down' };
}
