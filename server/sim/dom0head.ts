/**
 * What Dom0 lets each guest's backends carry this tick (model spec §5, para): Dom0 works only on
 * what the devices took, and its CPU is split max-min fairly among the guests' backends, one per
 * virtual device (backends.ts), so a backend asking for less than its fair share is served in full
 * and a storming one gets what is left. Read by the device headroom (headroom.ts) and, for the
 * services draining a backlog, by the split of a device's idle (drainsplit.ts): a guest whose
 * backend Dom0 holds can use no idle beyond what Dom0 carries for it.
 */
import { backendHead, splitBackends } from './backends.js';
import type { SimState } from './state.js';
import type { Work } from './work.js';

/** Dom0's figures of the tick, set by `dom0Head`, read by `backendLimits`. */
export class Dom0Head {
  /** Dom0 asked for more than it has: its CPU is split max-min among the backends (`w.backends.got`). */
  perBackend = false;
  /** Dom0 kept up with every backend (uncharged): each carries all its work. */
  keepsUp = false;
  /** Dom0 is down: it carries nothing. */
  down = false;
  /** A backend's fair level where Dom0 is contended (Infinity: Dom0 keeps up). */
  level = 1 / 0;
  /** Dom0's spare CPU, and a fair share of it among the backends at work (cores). */
  spare = 0;
  fair = 0;
  /** The spare, the fair share and the level in disk ops a second and in Mbit/s of one backend. */
  spareD = 0;
  fairD = 0;
  levelD = 0;
  spareN = 0;
  fairN = 0;
  levelN = 0;
  /** The tick's Dom0 cost of a disk op (native cores per op per second, and Dom0's factor on it). */
  diskOpCpuS = 0;
  dom0Factor = 0;
  /**
   * What `backendLimits` worked out for one guest: the share of its blkback's and its netback's work
   * Dom0 carries, then the most its disk and its network can get through them (Infinity: no limit).
   */
  readonly out = new Float64Array(4);
}

/**
 * Sets `w.dom0Head` for the tick: Dom0's CPU for the backends is what the scheduler granted it (or,
 * charged, what each guest paid: `s.dom0Served` then holds each guest's share of its backend work),
 * split max-min where the backends ask for more. `kDom0`: the backends at work.
 */
export function dom0Head(st: SimState, w: Work, dom0Down: boolean, kDom0: number): void {
  const h = w.dom0Head;
  const n = st.vps.length;
  const p = st.profile;
  const s = w.s;
  const sh = w.shared;
  const cause = s.dom0Cause,
    served = s.dom0Served;
  const diskOpCpuS = st.params.diskOpCpuS,
    dom0Factor = p.dom0IoFactor;
  const dom0Cpu = dom0Down ? 0 : sh.dom0Got;
  let level = 1 / 0;
  h.perBackend = false;
  h.keepsUp = false;
  h.down = dom0Down;
  h.diskOpCpuS = diskOpCpuS;
  h.dom0Factor = dom0Factor;
  const b = w.backends;
  if (p.dom0Charging) {
    const charge = s.dom0Charge;
    for (let i = 0; i < n; i++) served[i] = Math.min(cause[i], charge[i]);
  } else if (sh.dom0Work > dom0Cpu * (1 + 1e-12)) {
    // (The split the I/O pass solved, where it carried the same capacity: the same wants, the same result.)
    if (b.valid && b.capacity === dom0Cpu) level = b.level;
    else level = splitBackends(n, s, b, dom0Cpu, diskOpCpuS, dom0Factor, true);
    h.perBackend = true;
    for (let i = 0; i < n; i++) served[i] = b.got[i] + b.got[n + i];
  } else h.keepsUp = true;
  // Headroom through Dom0: the spare Dom0 CPU, at least the backend's fair level and the
  // guaranteed share of what Dom0 can carry among the backends at work.
  // (What Dom0 can carry: its vCPUs, or its grant where the cores held it below its want.)
  const dom0Cap = sh.dom0Cap;
  const spare = Math.max(0, dom0Cap - dom0Cpu);
  const fair = kDom0 > 0 ? dom0Cap / kDom0 : 0;
  h.level = level;
  h.spare = spare;
  h.fair = fair;
  // A backend's headroom factor is Dom0's spare (or its fair share, or the level) over its work; its
  // work is its ops × their Dom0 cost, so in ops it is served + spare ÷ cost: one division a tick.
  const kd = diskOpCpuS * dom0Factor,
    kn = st.params.netMbitCpu * dom0Factor;
  const levelOn = Number.isFinite(level);
  h.spareD = kd > 0 ? spare / kd : 0;
  h.fairD = kd > 0 ? fair / kd : 0;
  h.levelD = kd > 0 && levelOn ? level / kd : 0;
  h.spareN = kn > 0 ? spare / kn : 0;
  h.fairN = kn > 0 ? fair / kn : 0;
  h.levelN = kn > 0 && levelOn ? level / kn : 0;
}

/**
 * Guest i's blkback and netback as Dom0 carries them (`dom0Head` set for the tick, the guest served
 * `s.diskServed[i]` disk ops and `s.netServed[i]` Mbit/s by the devices): into `h.out`, the share of each backend's work
 * Dom0 carries (charged, the share of its whole backend work its own grant paid for), then the most
 * its disk and its network can get through them: what Dom0 carries where it holds the backend back,
 * else its served work plus Dom0's spare, at least a fair share of Dom0 among the backends at work
 * (and the level, where Dom0 is contended). Infinity where the guest gives the backend no work.
 * (Takes no double arguments and reads the tick's costs from `h`: it is called per guest and not
 * inlined, and a double passed to such a call is boxed on the heap.)
 */
export function backendLimits(st: SimState, w: Work, i: number): void {
  const h = w.dom0Head;
  const o = h.out;
  const s = w.s;
  const c = s.dom0Cause[i];
  if (h.down) {
    o[0] = 0;
    o[1] = 0;
    o[2] = 0;
    o[3] = 0;
    return;
  }
  const n = st.vps.length;
  const ds0 = s.diskServed[i],
    ns0 = s.netServed[i];
  // Its blkback's work and its netback's (backends.ts).
  const cd = Math.min(c, ds0 * h.diskOpCpuS * h.dom0Factor),
    cn = Math.max(0, c - cd);
  let fd = 1,
    fn = 1;
  if (h.perBackend) {
    const got = w.backends.got;
    if (cd > 0) fd = Math.min(1, got[i] / cd);
    if (cn > 0) fn = Math.min(1, got[n + i] / cn);
  } else if (!h.keepsUp && c > 0) {
    fd = Math.min(1, s.dom0Served[i] / c);
    fn = fd;
  }
  let dh = 1 / 0,
    nh = 1 / 0;
  if (cd > 0) {
    if (fd < 1) dh = ds0 * fd;
    else {
      dh = ds0 + h.spareD;
      if (h.fairD > dh) dh = h.fairD;
      if (h.levelD > dh) dh = h.levelD;
    }
  }
  if (cn > 0) {
    // (An inbound flood's receive work shares the netback with the traffic it sends.)
    if (fn < 1) nh = ns0 * fn;
    else if (s.netRx[i] > 0) nh = ns0 * backendHead(cn, h.spare, h.fair, h.level);
    else {
      nh = ns0 + h.spareN;
      if (h.fairN > nh) nh = h.fairN;
      if (h.levelN > nh) nh = h.levelN;
    }
  }
  o[0] = fd;
  o[1] = fn;
  o[2] = dh;
  o[3] = nh;
}
