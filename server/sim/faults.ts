/**
 * Faults (model spec §8): timers, and what each active fault means this tick as per-VPS
 * intensities plus host-wide flags. Blast radius comes from the profile.
 */
import type { EngineEvent } from '../../shared/events.js';
import { indexOf } from './commands.js';
import type { SimState } from './state.js';
import type { Work } from './work.js';

/** Something the engine itself reports (an OOM kill, a reboot, a fault that ended), as data. */
export type Note = EngineEvent;

export interface FaultFlags {
  /** Every guest is down (host reboot, host-OS crash under a hosted hypervisor). */
  hostDown: boolean;
  /** Dom0 is down: no guest does I/O. */
  dom0Down: boolean;
  /** The shared kernel panicked: every container is down. */
  kernelDown: boolean;
  /** The shared kernel's process table is full: no container's service can run. */
  kernelHung: boolean;
  /** VPS index behind a shared-kernel outage, or -1. */
  kernelCulprit: number;
}

/** Ends faults whose time is up (before the tick is computed). */
export function advanceFaults(st: SimState, notes: Note[]): void {
  if (st.faults.length) {
    const keep = [];
    for (const f of st.faults) {
      if (f.untilTick !== undefined && f.untilTick <= st.tick) {
        notes.push({ type: 'faultEnded', tick: st.tick, fault: f.fault, vps: f.vps });
        if (f.fault === 'memory_leak') {
          const i = st.vps.findIndex((v) => v.id === f.vps);
          if (i >= 0) st.dyn.leakGiB[i] = 0;
        }
      } else keep.push(f);
    }
    if (keep.length !== st.faults.length) st.faults = keep;
  }
  if (st.hostFaults.length) {
    const keep = [];
    for (const f of st.hostFaults) {
      if (f.untilTick !== undefined && f.untilTick <= st.tick)
        notes.push({ type: 'faultEnded', tick: st.tick, fault: f.fault });
      else keep.push(f);
    }
    if (keep.length !== st.hostFaults.length) st.hostFaults = keep;
  }
}

/** Fills the per-VPS fault intensities of this tick into `w.s` and returns the host-wide flags. */
export function faultFlags(st: SimState, w: Work): FaultFlags {
  const n = st.vps.length;
  const s = w.s;
  const flags = w.flags;
  if (w.faultsSet) {
    s.hog.fill(0, 0, n);
    s.storm.fill(0, 0, n);
    s.flood.fill(0, 0, n);
    s.floodRx.fill(0, 0, n);
    s.thrash.fill(0, 0, n);
    s.bomb.fill(0, 0, n);
    s.leakRate.fill(0, 0, n);
    s.panic.fill(0, 0, n);
    w.faultsSet = false;
  }
  flags.hostDown = false;
  flags.dom0Down = false;
  flags.kernelDown = false;
  flags.kernelHung = false;
  flags.kernelCulprit = -1;
  const p = st.profile;
  for (const f of st.hostFaults) {
    if (f.fault === 'host_reboot') flags.hostDown = true;
    else if (f.fault === 'host_os_crash' && p.hostOs) flags.hostDown = true;
    else if (f.fault === 'dom0_crash' && p.dom0) flags.dom0Down = true;
  }
  if (!st.faults.length) return flags;
  w.faultsSet = true;
  for (const f of st.faults) {
    const i = indexOf(st, f.vps);
    if (i < 0) continue;
    const rate = f.rate ?? 1;
    switch (f.fault) {
      case 'cpu_hog':
        s.hog[i] = Math.min(1, rate);
        break;
      case 'io_storm':
        s.storm[i] = rate;
        break;
      case 'net_flood':
        s.flood[i] = Math.min(1, rate);
        s.floodRx[i] = f.direction === 'rx' ? 1 : 0;
        break;
      case 'cache_thrash':
        s.thrash[i] = Math.min(1, rate);
        break;
      case 'fork_bomb':
        s.bomb[i] = 1;
        if (p.forkBombRadius === 'all') {
          flags.kernelHung = true;
          flags.kernelCulprit = i;
        }
        break;
      case 'memory_leak':
        s.leakRate[i] = f.rate ?? st.params.leakPlanPerS * st.vps[i].ramGiB;
        break;
      case 'kernel_panic':
        s.panic[i] = 1;
        if (p.kernelPanicRadius === 'all') {
          flags.kernelDown = true;
          flags.kernelCulprit = i;
        }
        break;
    }
  }
  return flags;
}
