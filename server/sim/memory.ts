/** Memory (model spec §4): resident, guest swap and OOM, host swap and the host OOM killer. */
import type { Note } from './faults.js';
import * as rngMod from './rng.js';
import * as stateMod from './state.js';
import type { SimState } from './state.js';
import type { Work } from './work.js';

const { nextFloat } = rngMod;

/** 4 KiB pages per GiB (x86). */
const PAGES_PER_GIB = 262_144;
const { ticksOf } = stateMod;

/** Resident memory, swap and slowdowns of this tick; returns whether a shared kernel stalls in reclaim. */
export function memory(st: SimState, w: Work, notes: Note[]): boolean {
  const n = st.vps.length;
  const p = st.profile;
  const KNOBS = st.params;
  const s = w.s;
  const ram = st.host.ramGiB;
  const ramA = w.plan.ramGiB;
  const memDemand = s.memDemand,
    resident = s.resident,
    guestSwap = s.guestSwap;
  const capped = p.memPolicy !== 'shared';
  const swapRatio = KNOBS.guestSwapRatio;
  let sumRes = 0;
  let anySwap = false;
  for (let i = 0; i < n; i++) {
    const d = memDemand[i];
    const r = ramA[i];
    resident[i] = capped ? Math.min(d, r) : d;
    const gs = capped ? Math.max(0, d - r) : 0;
    guestSwap[i] = gs;
    if (capped && gs > swapRatio * r) {
      oomRestart(st, i, 'guest', notes);
      resident[i] = 0;
      guestSwap[i] = 0;
      memDemand[i] = 0;
      s.up[i] = 0;
      zeroDemand(w, i);
    }
    sumRes += resident[i];
    if (guestSwap[i] > 0) anySwap = true;
  }
  w.shared.sumResident = sumRes;
  let hostSwap = 0;
  let stalled = false;
  if (p.memPolicy === 'overcommit') hostSwap = Math.max(0, sumRes * (1 - KNOBS.pageSharing) - ram);
  else if (p.memPolicy === 'shared') {
    hostSwap = Math.max(0, sumRes - ram);
    const swapMax = KNOBS.hostSwapRatio * ram;
    if (st.stallUntil >= 0 && st.tick >= st.stallUntil) {
      // The OOM killer finally acts: it picks a process weighted by resident memory (a seeded choice).
      st.stallUntil = -1;
      let r = nextFloat(st.rng) * sumRes;
      let victim = n - 1;
      for (let i = 0; i < n; i++) {
        r -= resident[i];
        if (r < 0) {
          victim = i;
          break;
        }
      }
      oomRestart(st, victim, 'host', notes);
      sumRes -= resident[victim];
      resident[victim] = 0;
      s.up[victim] = 0;
      zeroDemand(w, victim);
      hostSwap = Math.max(0, sumRes - ram);
      // The published Σ resident is the plain sum in VPS order.
      let sum = 0;
      for (let i = 0; i < n; i++) sum += resident[i];
      w.shared.sumResident = sum;
    } else if (hostSwap >= swapMax) {
      // RAM and swap exhausted with no memory.max: the one kernel thrashes in reclaim and every
      // container stalls until the OOM killer fires (kernel-resource exhaustion, model spec §2).
      if (st.stallUntil < 0) {
        st.stallUntil = st.tick + ticksOf(KNOBS.oomLivelockS, st.tickMs);
        notes.push({ type: 'oomStall', tick: st.tick });
      }
      stalled = true;
    }
    hostSwap = Math.min(swapMax, hostSwap);
  }
  w.shared.hostSwapGiB = hostSwap;
  if (!anySwap && hostSwap === 0) {
    // Nothing is swapped out anywhere: every memory slowdown is 1, no one's memory is swapped, and
    // no request touches swap nor any leak writes to it (what the loop below gives in this case).
    if (!w.memCalm) {
      s.memSlow.fill(1, 0, n);
      s.swapFrac.fill(0, 0, n);
      w.memCalm = true;
    }
    w.shared.swapTouch = 0;
    w.shared.swapOutPagesPerS = 0;
    return stalled;
  }
  w.memCalm = false;
  const spill = hostSwap / ram;
  const kappa = KNOBS.swapKappa;
  const memSlow = s.memSlow;
  const spillSlow = 1 + kappa * spill;
  const shared = p.memPolicy === 'shared' && sumRes > 0;
  // The host's swapped pages belong to the guests in proportion to what they hold (§4).
  const hostShare = hostSwap > 0 && sumRes > 0 ? hostSwap / sumRes : 0;
  const swapFrac = s.swapFrac,
    lambda = s.lambda,
    leakRate = s.leakRate;
  let touch = 0,
    swapOut = 0;
  for (let i = 0; i < n; i++) {
    const own = guestSwap[i] / ramA[i];
    // A leak that grows into swap (its guest's own, or the host's once it swaps) is written out as it grows.
    if (leakRate[i] > 0 && s.up[i] > 0 && (guestSwap[i] > 0 || hostSwap > 0)) swapOut += leakRate[i];
    memSlow[i] = (1 + kappa * own) * spillSlow;
    const fromHost = resident[i] * hostShare;
    if (shared) guestSwap[i] += fromHost;
    const swapped = shared ? guestSwap[i] : guestSwap[i] + fromHost;
    const d = memDemand[i];
    const f = d > 0 && swapped > 0 ? Math.min(1, swapped / d) : 0;
    swapFrac[i] = f;
    if (f > 0 && s.up[i] > 0) touch += lambda[i] * f;
  }
  w.shared.swapTouch = touch;
  w.shared.swapOutPagesPerS = swapOut * PAGES_PER_GIB;
  return stalled;
}

function zeroDemand(w: Work, i: number): void {
  const s = w.s;
  // Its device wants, if already worked out, are stale: the I/O phase works them out again.
  w.wantsReady = false;
  s.appCpu[i] = 0;
  s.bgCpu[i] = 0;
  s.diskBase[i] = 0;
  s.diskFault[i] = 0;
  s.netBase[i] = 0;
  s.netFault[i] = 0;
  s.netRx[i] = 0;
  s.serviceFactor[i] = 0;
}

function oomRestart(st: SimState, i: number, scope: 'guest' | 'host', notes: Note[]): void {
  st.dyn.downUntil[i] = st.tick + ticksOf(st.params.oomRestartS, st.tickMs);
  st.dyn.leakGiB[i] = 0;
  st.dyn.backlog[i] = 0;
  st.dyn.backlogAge[i] = 0;
  notes.push({ type: 'oomKill', tick: st.tick, vps: st.vps[i].id, scope });
}
