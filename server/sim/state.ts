/**
 * The simulation state: everything that determines the next tick, and nothing else. Plans and
 * sliders are kept as plain objects (they change rarely, by command); what evolves every tick
 * (backlogs, leaks, reboots, workload noise) lives in typed arrays aligned with `vps`.
 */
import type { ModeSpec, Scenario, VpsSpec } from '../../shared/commands.js';
import type { VpsRole } from '../../shared/model.js';
import type { ActiveFault, ActiveHostFault, VpsState } from '../../shared/protocol.js';
import { DEFAULT_PARAMS, resolveParams, type Params } from './params.js';
import { resolveMode, type ModeProfile } from './profiles.js';
import { seedRng, type RngState } from './rng.js';

export interface Host {
  cores: number;
  ramGiB: number;
  diskIops: number;
  netMbps: number;
  memBwGBs: number;
}

export const DEFAULT_HOST: Host = {
  cores: 16,
  ramGiB: 64,
  diskIops: 100_000,
  netMbps: 10_000,
  memBwGBs: 100,
};
export const DEFAULT_SEED = 1;
export const DEFAULT_TICK_MS = 100;
export const DEFAULT_WEIGHT = 256;

/** Cache sensitivity σ by role (model spec §6: CPU-bound 0.05, web 0.25, memory-bound 0.40). */
export const ROLE_SENSITIVITY: Record<VpsRole, number> = {
  web: 0.25,
  database: 0.4,
  cache: 0.4,
  batch: 0.05,
  ci: 0.05,
  mail: 0.25,
  generic: 0.25,
};

/** Names of the per-VPS dynamic arrays (all saved). */
export const DYN_FIELDS = [
  /** Requests waiting beyond the stage queues. */
  'backlog',
  /** Age of the oldest of them, s. */
  'backlogAge',
  /** The isolated counterfactual's own backlog and its oldest request's age (alone, a VPS may still be overloaded by its own load). */
  'isoBacklog',
  'isoBacklogAge',
  /** GiB leaked so far by a memory_leak. */
  'leakGiB',
  /** Tick until which the VPS's own service is down (kernel panic reboot, OOM restart); -1 none. */
  'downUntil',
  /** Workload multiplier of the randomWalk profile. */
  'walk',
  /** Ticks left in the current burst (bursty profile). */
  'burstLeft',
] as const;
export type DynField = (typeof DYN_FIELDS)[number];

export interface SimState {
  name: string;
  tickMs: number;
  tick: number;
  seed: number;
  modeSpec: ModeSpec;
  /** The model's parameters: the defaults with the scenario's `params` override (never shared). */
  params: Params;
  profile: ModeProfile;
  host: Host;
  vps: VpsState[];
  faults: ActiveFault[];
  hostFaults: ActiveHostFault[];
  rng: RngState;
  dyn: Record<DynField, Float64Array>;
  /** Warm start of the CPU water level (a cache, saved so restored runs stay bit-identical). */
  cpuLevel: number;
  /** Tick at which a stalled shared kernel's OOM killer fires; -1 when not stalled. */
  stallUntil: number;
  /** Bumped by every command that may change plans or the mode (not saved: a cache stamp). */
  planVersion: number;
  /** VPS indices whose sliders changed since the plan arrays were last synced: the first
   * `loadDirtyCount` entries (the array is reused, never shrunk; not saved). */
  loadDirty: number[];
  loadDirtyCount: number;
  /** VPS index by id, for the VPS list it was built from (not saved: a cache). */
  index?: { vps: VpsState[]; size: number; map: Map<string, number> };
}

/** A VPS entry with every default filled in. */
export function normalizeVps(v: VpsSpec): VpsState {
  const out: VpsState = {
    id: v.id,
    vcpus: v.vcpus,
    ramGiB: v.ramGiB,
    diskIops: v.diskIops,
    netMbps: v.netMbps,
    weight: v.weight ?? DEFAULT_WEIGHT,
    profile: v.profile ?? 'steady',
    load: { cpu: v.load?.cpu ?? 0, mem: v.load?.mem ?? 0, disk: v.load?.disk ?? 0, net: v.load?.net ?? 0 },
  };
  if (v.cpuCapCores !== undefined) out.cpuCapCores = v.cpuCapCores;
  if (v.sensitivity !== undefined) out.sensitivity = v.sensitivity;
  if (v.sloMs !== undefined) out.sloMs = v.sloMs;
  if (v.role !== undefined) out.role = v.role;
  return out;
}

export function normalizeHost(h: Scenario['host']): Host {
  return { ...DEFAULT_HOST, ...(h ?? {}) };
}

function newDyn(n: number): Record<DynField, Float64Array> {
  const dyn = {} as Record<DynField, Float64Array>;
  for (const f of DYN_FIELDS) dyn[f] = new Float64Array(n);
  dyn.downUntil.fill(-1);
  dyn.walk.fill(1);
  return dyn;
}

/** The initial state of a (validated) scenario; `mode` overrides the scenario's own. */
/** What the engine starts a scenario from, its defaults filled in (no `seed` and `seed: 1` alike). */
export function startInputs(s: Scenario): {
  seed: number;
  tickMs: number;
  host: Host;
  vps: VpsState[];
  params: Params;
} {
  return {
    seed: s.seed ?? DEFAULT_SEED,
    tickMs: s.tickMs ?? DEFAULT_TICK_MS,
    host: normalizeHost(s.host),
    vps: s.vps.map(normalizeVps),
    params: resolveParams(s.params),
  };
}

export function initialState(s: Scenario, mode?: ModeSpec): SimState {
  const modeSpec = mode ?? s.mode;
  const { seed, tickMs, host, vps, params } = startInputs(s);
  return {
    name: s.name,
    tickMs,
    tick: 0,
    seed,
    modeSpec,
    params,
    profile: resolveMode(modeSpec, params),
    host,
    vps,
    faults: [],
    hostFaults: [],
    rng: seedRng(seed),
    dyn: newDyn(vps.length),
    cpuLevel: 0,
    stallUntil: -1,
    planVersion: 0,
    loadDirty: [],
    loadDirtyCount: 0,
  };
}

/** Appends one VPS slot (dynamic arrays grow by one). */
export function pushVps(st: SimState, v: VpsState): void {
  const n = st.vps.length;
  st.vps.push(v);
  const dyn = newDyn(n + 1);
  for (const f of DYN_FIELDS) dyn[f].set(st.dyn[f].subarray(0, n));
  st.dyn = dyn;
}

/** Removes slot i, keeping the others in order. */
export function removeVpsAt(st: SimState, i: number): void {
  const n = st.vps.length;
  st.vps.splice(i, 1);
  const dyn = newDyn(n - 1);
  for (const f of DYN_FIELDS) {
    dyn[f].set(st.dyn[f].subarray(0, i));
    dyn[f].set(st.dyn[f].subarray(i + 1, n), i);
  }
  st.dyn = dyn;
}

/** The cache sensitivity of a VPS: its own σ, else its role's. */
export function sensitivityOf(v: VpsState): number {
  return v.sensitivity ?? ROLE_SENSITIVITY[v.role ?? 'generic'];
}

/** CPU cap of a VPS in cores: cpuCapCores, else its vCPUs. */
export function cpuCapOf(v: Pick<VpsState, 'cpuCapCores' | 'vcpus'>): number {
  return Math.min(v.cpuCapCores ?? v.vcpus, v.vcpus);
}

export function ticksOf(seconds: number, tickMs: number): number {
  return Math.max(1, Math.round((seconds * 1000) / tickMs));
}

/** Serializable snapshot (numbers round-trip exactly through JSON). */
export interface StateSnapshot {
  version: 1;
  name: string;
  tickMs: number;
  tick: number;
  seed: number;
  modeSpec: ModeSpec;
  /** The scenario's parameter overrides (absent: the defaults). */
  params?: Record<string, number>;
  host: Host;
  vps: VpsState[];
  faults: ActiveFault[];
  hostFaults: ActiveHostFault[];
  rng: number[];
  dyn: Record<DynField, number[]>;
  cpuLevel: number;
  stallUntil: number;
}

export function snapshotOf(st: SimState): StateSnapshot {
  const dyn = {} as Record<DynField, number[]>;
  for (const f of DYN_FIELDS) dyn[f] = Array.from(st.dyn[f]);
  return structuredClone({
    version: 1 as const,
    name: st.name,
    tickMs: st.tickMs,
    tick: st.tick,
    seed: st.seed,
    modeSpec: st.modeSpec,
    ...(st.params === DEFAULT_PARAMS ? {} : { params: overridesOf(st.params) }),
    host: st.host,
    vps: st.vps,
    faults: st.faults,
    hostFaults: st.hostFaults,
    rng: Array.from(st.rng),
    dyn,
    cpuLevel: Number.isFinite(st.cpuLevel) ? st.cpuLevel : 0,
    stallUntil: st.stallUntil,
  });
}

export function stateFromSnapshot(s: StateSnapshot): SimState {
  const n = s.vps.length;
  const dyn = newDyn(n);
  for (const f of DYN_FIELDS) {
    const src = s.dyn[f];
    // Snapshots from before the backlog ages were kept start them at zero.
    if (src === undefined && (f === 'backlogAge' || f === 'isoBacklog' || f === 'isoBacklogAge')) continue;
    if (!Array.isArray(src) || src.length !== n) throw new Error(`snapshot: dyn.${f} must hold ${n} numbers`);
    dyn[f].set(src);
  }
  const params = resolveParams(s.params);
  return {
    name: s.name,
    tickMs: s.tickMs,
    tick: s.tick,
    seed: s.seed,
    modeSpec: s.modeSpec,
    params,
    profile: resolveMode(s.modeSpec, params),
    host: { ...s.host },
    vps: structuredClone(s.vps),
    faults: structuredClone(s.faults),
    hostFaults: structuredClone(s.hostFaults),
    rng: new Uint32Array(s.rng),
    dyn,
    cpuLevel: s.cpuLevel,
    stallUntil: s.stallUntil ?? -1,
    planVersion: 0,
    loadDirty: [],
    loadDirtyCount: 0,
  };
}

/** The entries of a parameter record that differ from the defaults. */
function overridesOf(params: Params): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(params)) if (v !== DEFAULT_PARAMS[k as keyof Params]) out[k] = v;
  return out;
}
