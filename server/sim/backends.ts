/**
 * Dom0's backends (model spec §5, para): each guest's virtual disk and virtual NIC has its own
 * backend thread in Dom0 (blkback, netback), one scheduling entity each, and Dom0's CPU is split
 * max-min fairly among them. A guest that asks its netback for more therefore takes nothing from
 * its own blkback, which keeps its fair level like any other backend.
 */
import * as allocMod from './allocate.js';
import type { Work } from './work.js';

const { waterFillDomain } = allocMod;

/** The backends of n guests: guest i's blkback at slot i, its netback at slot n + i. */
export class Backends {
  /** Dom0 CPU each backend's work asks (cores). */
  readonly want: Float64Array;
  /** Dom0 CPU each backend gets. */
  readonly got: Float64Array;
  readonly ones: Float64Array;
  /**
   * `got` and `level` hold the split of `capacity` among the wants of this tick's last I/O pass
   * (iocpu.ts clears it when it redoes the I/O): the headroom then reads them instead of solving
   * the same split again.
   */
  valid = false;
  capacity = 0;
  level = 0;
  /**
   * `want` holds the backends' work of this tick's I/O as it stands (iocpu.ts clears it when it
   * redoes the I/O, sets it when it puts back the first pass's): a split at another capacity reads it.
   */
  wantsKept = false;
  constructor(n: number) {
    this.want = new Float64Array(2 * n);
    this.got = new Float64Array(2 * n);
    this.ones = new Float64Array(2 * n).fill(1);
  }
}

/**
 * Splits each guest's Dom0 work (`s.dom0Cause`) between its blkback (the disk ops it was served,
 * `diskOpCpuS` native cores per op per second, × `dom0Factor` in Dom0, as iocpu.ts counts it) and
 * its netback (the rest: its traffic, an inbound flood), and shares `capacity` max-min among all
 * the backends. Returns the fair level.
 */
export function splitBackends(
  n: number,
  s: Work['s'],
  b: Backends,
  capacity: number,
  diskOpCpuS: number,
  dom0Factor: number,
  contended: boolean,
): number {
  const want = b.want,
    cause = s.dom0Cause,
    ds = s.diskServed;
  if (!b.wantsKept) {
    for (let i = 0; i < n; i++) {
      const c = cause[i];
      const d = Math.min(c, ds[i] * diskOpCpuS * dom0Factor);
      want[i] = d;
      want[n + i] = Math.max(0, c - d);
    }
    b.wantsKept = true;
  }
  const level = waterFillDomain(2 * n, want, b.ones, capacity, b.got, 0, contended);
  b.valid = true;
  b.capacity = capacity;
  b.level = level;
  return level;
}

/**
 * How far one backend's work may grow where Dom0 keeps up (as a factor of what it does, ≥ 1): the
 * spare CPU, at least a fair share of Dom0 among the `k` backends at work and the fair `level`
 * (Infinity where Dom0 is not contended). `want` must be positive.
 */
export function backendHead(want: number, spare: number, fair: number, level: number): number {
  let head = 1 + spare / want;
  if (fair / want > head) head = fair / want;
  if (Number.isFinite(level) && level / want > head) head = level / want;
  return head;
}

/**
 * Alone (the isolated counterfactual), where Dom0 cannot keep up: a guest's blkback and netback
 * asking `cd` and `cn` cores of Dom0's `cap` (cd + cn > cap), the share of its work each carries,
 * written to `out[0]` (disk) and `out[1]` (network): the smaller gets what it asks if that is under
 * half, the other the rest.
 */
export function aloneHeads(cd: number, cn: number, cap: number, out: Float64Array): void {
  let gd = cap / 2,
    gn = cap / 2;
  if (cd <= cap / 2) {
    gd = cd;
    gn = cap - cd;
  } else if (cn <= cap / 2) {
    gn = cn;
    gd = cap - cn;
  }
  out[0] = cd > 0 ? Math.min(1, gd / cd) : 1;
  out[1] = cn > 0 ? Math.min(1, gn / cn) : 1;
}
