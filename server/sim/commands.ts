/**
 * Applying one command to the state at a tick boundary. A command that does not fit the current
 * state (unknown VPS, admission refused) is an error and changes nothing.
 */
import type { Command, ModeSpec, VpsSpec } from '../../shared/commands.js';
import type { ApiError } from '../../shared/protocol.js';
import { ADMISSION_EPS, resolveMode, type ModeProfile } from './profiles.js';
import { cpuCapOf, normalizeVps, pushVps, removeVpsAt, ticksOf, type Host, type SimState } from './state.js';
import type { VpsState } from '../../shared/protocol.js';

export type ApplyResult = { ok: true; notes: string[] } | { ok: false; error: ApiError };

function err(code: ApiError['code'], message: string, path: string): ApplyResult {
  return { ok: false, error: { code, message, path } };
}

/**
 * Admission control (model spec §2): with a fixed quota, Σ CPU caps must fit the host's cores;
 * Σ RAM plans must fit the host's RAM times the mode's admission ratio. Returns the first refusal.
 */
export function admissionError(
  profile: ModeProfile,
  host: Host,
  vps: readonly Pick<VpsState, 'id' | 'vcpus' | 'cpuCapCores' | 'ramGiB'>[],
): string | undefined {
  const r = firstRefusal(profile, host, vps, false);
  return r ? r.message : undefined;
}

/**
 * The first prefix vps[0..k] admission refuses (each VPS added in order), in one pass: its index k
 * and the message `admissionError` gives for that prefix. With `everyPrefix` false only the whole
 * list is judged.
 */
export function firstRefusal(
  profile: ModeProfile,
  host: Host,
  vps: readonly Pick<VpsState, 'id' | 'vcpus' | 'cpuCapCores' | 'ramGiB'>[],
  everyPrefix = true,
): { index: number; message: string } | undefined {
  let cpu = 0;
  let ram = 0;
  const eps = ADMISSION_EPS;
  const ramLimit = host.ramGiB * profile.admissionRam;
  const last = vps.length - 1;
  for (let k = 0; k <= last; k++) {
    const v = vps[k];
    cpu += cpuCapOf(v);
    ram += v.ramGiB;
    if (!everyPrefix && k < last) continue;
    if (profile.admissionCpu && cpu > host.cores + eps) {
      const [total, cores] = apart(cpu, host.cores);
      return {
        index: k,
        message: `CPU caps would total ${total} cores on a ${cores}-core host (${profile.id} reserves CPU: set cpuCapCores or fewer vCPUs)`,
      };
    }
    if (ram > ramLimit + eps) {
      const [total, limit] = apart(ram, ramLimit);
      return {
        index: k,
        message: `RAM plans would total ${total} GiB; ${profile.id} admits at most ${limit} GiB on this host`,
      };
    }
  }
  return undefined;
}

/** The result of a command that changed the state and has nothing to say (shared, read-only). */
const OK_NO_NOTES: ApplyResult = Object.freeze({
  ok: true as const,
  notes: Object.freeze([]) as unknown as string[],
});

/** `x` to 2 decimals, or to `digits` significant digits when that shows more of it (a tiny amount). */
const shown = (x: number, digits: number): string =>
  String(Math.abs(x) >= 10 ** (digits - 3) ? Math.round(x * 100) / 100 : Number(x.toPrecision(digits)));

/** Two amounts as text with as many digits as it takes to tell them apart (0.0012 GiB is not 0). */
function apart(a: number, b: number): [string, string] {
  for (let digits = 3; digits <= 17; digits++) {
    const [x, y] = [shown(a, digits), shown(b, digits)];
    if (x !== y || digits === 17) return [x, y];
  }
  return [String(a), String(b)];
}

/** Index of a VPS by id; the map is rebuilt whenever the VPS list changes length or identity. */
export function indexOf(st: SimState, id: string): number {
  let ix = st.index;
  if (ix === undefined || ix.vps !== st.vps || ix.size !== st.vps.length) {
    ix = { vps: st.vps, size: st.vps.length, map: new Map(st.vps.map((v, i) => [v.id, i])) };
    st.index = ix;
  }
  const i = ix.map.get(id);
  if (i !== undefined && st.vps[i]?.id === id) return i;
  for (let k = 0; k < st.vps.length; k++) if (st.vps[k].id === id) return k;
  return -1;
}

function unknown(id: string): ApplyResult {
  return err('UNKNOWN_VPS', `no VPS "${id}"`, 'vps');
}

/** Applies `cmd` to `st` in place; on error, `st` is untouched. */
export function applyCommand(st: SimState, cmd: Command): ApplyResult {
  // A slider move marks its VPS; anything else may change plans or the mode.
  if (cmd.type !== 'setLoad') st.planVersion++;
  switch (cmd.type) {
    case 'setLoad': {
      const i = indexOf(st, cmd.vps);
      if (i < 0) return unknown(cmd.vps);
      st.loadDirty[st.loadDirtyCount++] = i;
      const l = st.vps[i].load;
      if (cmd.load.cpu !== undefined) l.cpu = cmd.load.cpu;
      if (cmd.load.mem !== undefined) l.mem = cmd.load.mem;
      if (cmd.load.disk !== undefined) l.disk = cmd.load.disk;
      if (cmd.load.net !== undefined) l.net = cmd.load.net;
      return OK_NO_NOTES;
    }
    case 'setProfile': {
      const i = indexOf(st, cmd.vps);
      if (i < 0) return unknown(cmd.vps);
      st.vps[i].profile = cmd.profile;
      st.dyn.walk[i] = 1;
      st.dyn.burstLeft[i] = 0;
      return { ok: true, notes: [] };
    }
    case 'startFault': {
      const i = indexOf(st, cmd.vps);
      if (i < 0) return unknown(cmd.vps);
      if (cmd.direction !== undefined && cmd.fault !== 'net_flood')
        return err('INVALID_INPUT', `direction applies to net_flood only, not ${cmd.fault}`, 'direction');
      st.faults = st.faults.filter((f) => !(f.vps === cmd.vps && f.fault === cmd.fault));
      const f: SimState['faults'][number] = { vps: cmd.vps, fault: cmd.fault, sinceTick: st.tick };
      if (cmd.direction === 'rx') f.direction = 'rx';
      if (cmd.fault === 'kernel_panic')
        f.untilTick = st.tick + ticksOf(cmd.durationS ?? st.params.rebootS, st.tickMs);
      else if (cmd.durationS !== undefined) f.untilTick = st.tick + ticksOf(cmd.durationS, st.tickMs);
      if (cmd.rate !== undefined) f.rate = cmd.rate;
      st.faults.push(f);
      if (cmd.fault === 'memory_leak') st.dyn.leakGiB[i] = 0;
      const notes: string[] = [];
      if (cmd.fault === 'kernel_panic' && st.profile.kernelPanicRadius === 'all')
        notes.push(`kernel panic in ${cmd.vps}: the shared kernel takes every guest down`);
      if (cmd.fault === 'fork_bomb' && st.profile.forkBombRadius === 'all')
        notes.push(
          `fork bomb in ${cmd.vps}: no pids.max, the shared kernel's process table fills for everyone`,
        );
      return { ok: true, notes };
    }
    case 'stopFault': {
      const i = indexOf(st, cmd.vps);
      if (i < 0) return unknown(cmd.vps);
      const before = st.faults.length;
      st.faults = st.faults.filter((f) => !(f.vps === cmd.vps && f.fault === cmd.fault));
      if (cmd.fault === 'memory_leak') st.dyn.leakGiB[i] = 0;
      return {
        ok: true,
        notes: before === st.faults.length ? [`${cmd.fault} was not running on ${cmd.vps}`] : [],
      };
    }
    case 'hostFault': {
      const relevant = hostFaultApplies(st.profile, cmd.fault);
      const dflt =
        cmd.fault === 'dom0_crash'
          ? st.params.dom0RestartS
          : cmd.fault === 'host_os_crash'
            ? st.params.hostOsRebootS
            : st.params.hostRebootS;
      if (!relevant)
        return { ok: true, notes: [`${cmd.fault} has no meaning in ${st.profile.id}: nothing happens`] };
      st.hostFaults = st.hostFaults.filter((f) => f.fault !== cmd.fault);
      st.hostFaults.push({
        fault: cmd.fault,
        sinceTick: st.tick,
        untilTick: st.tick + ticksOf(cmd.durationS ?? dflt, st.tickMs),
      });
      return { ok: true, notes: [] };
    }
    case 'resizeVps': {
      const i = indexOf(st, cmd.vps);
      if (i < 0) return unknown(cmd.vps);
      const { cpuCapCores, ...plan } = cmd.plan;
      const next: VpsState = { ...st.vps[i], ...plan };
      if (cpuCapCores === null) delete next.cpuCapCores;
      else if (cpuCapCores !== undefined) next.cpuCapCores = cpuCapCores;
      if (next.cpuCapCores !== undefined && next.cpuCapCores > next.vcpus)
        return err(
          'INVALID_INPUT',
          `cpuCapCores ${next.cpuCapCores} exceeds ${next.vcpus} vCPUs`,
          'plan.cpuCapCores',
        );
      const all = st.vps.map((v, k) => (k === i ? next : v));
      const refused = admissionError(st.profile, st.host, all);
      if (refused) return err('ADMISSION_REFUSED', refused, 'plan');
      st.vps[i] = next;
      return { ok: true, notes: [] };
    }
    case 'addVps': {
      if (indexOf(st, cmd.vps.id) >= 0)
        return err('CONFLICT', `a VPS "${cmd.vps.id}" already exists`, 'vps.id');
      const v = normalizeVps(cmd.vps);
      const capErr = capError(cmd.vps);
      if (capErr) return err('INVALID_INPUT', capErr, 'vps.cpuCapCores');
      const refused = admissionError(st.profile, st.host, [...st.vps, v]);
      if (refused) return err('ADMISSION_REFUSED', refused, 'vps');
      pushVps(st, v);
      return { ok: true, notes: [] };
    }
    case 'removeVps': {
      const i = indexOf(st, cmd.vps);
      if (i < 0) return unknown(cmd.vps);
      removeVpsAt(st, i);
      st.faults = st.faults.filter((f) => f.vps !== cmd.vps);
      return { ok: true, notes: [] };
    }
    case 'setMode': {
      const profile = resolveMode(cmd.mode, st.params);
      const refused = admissionError(profile, st.host, st.vps);
      if (refused) return err('ADMISSION_REFUSED', refused, 'mode');
      const notes: string[] = [];
      setMode(st, cmd.mode, profile);
      for (const f of st.hostFaults)
        if (!hostFaultApplies(profile, f.fault))
          notes.push(`${f.fault} ends: it has no meaning in ${profile.id}`);
      st.hostFaults = st.hostFaults.filter((f) => hostFaultApplies(profile, f.fault));
      return { ok: true, notes };
    }
  }
}

function setMode(st: SimState, spec: ModeSpec, profile: ModeProfile): void {
  st.modeSpec = spec;
  st.profile = profile;
}

function capError(v: VpsSpec): string | undefined {
  if (v.cpuCapCores !== undefined && v.cpuCapCores > v.vcpus)
    return `cpuCapCores ${v.cpuCapCores} exceeds ${v.vcpus} vCPUs`;
  return undefined;
}

/** Whether a host fault means anything under a profile (dom0_crash needs a Dom0, host_os_crash a host OS). */
export function hostFaultApplies(
  p: ModeProfile,
  fault: 'dom0_crash' | 'host_os_crash' | 'host_reboot',
): boolean {
  if (fault === 'dom0_crash') return p.dom0;
  if (fault === 'host_os_crash') return p.hostOs;
  return true;
}

/** A deep copy of a command, so later mutation by the caller cannot rewrite the log. */
export function cloneCommand(cmd: Command): Command {
  return clonePlain(cmd) as Command;
}

function clonePlain(x: unknown): unknown {
  if (x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) return x.map(clonePlain);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(x)) out[k] = clonePlain((x as Record<string, unknown>)[k]);
  return out;
}

export { capError };
