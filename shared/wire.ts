/**
 * Compact frame encoding for the socket: fixed metric order, numbers as scaled integers, VPS state
 * as a small int, attribution as index tuples. Both ends use this module: the server encodes once
 * per room per broadcast, the dashboard decodes.
 *
 * A 16-VPS frame encodes to well under 2 KB of JSON (see the fan-out bench).
 */
import {
  HOST_METRICS,
  RESOURCES,
  VPS_METRICS,
  VPS_STATES,
  type Attribution,
  type Frame,
  type HostMetricName,
  type HostMetrics,
  type VpsMetricName,
  type VpsMetrics,
} from './model.js';

/**
 * Resolution of each metric on the wire: value × scale, rounded. 1000 keeps fractions to 0.1 %,
 * 10000 keeps degradation to 0.01 % (the published table has cells that small); latencies
 * travel to 0.1 ms, rates and bandwidths as whole units (the published table has cells that small).
 */
export const VPS_SCALE: Record<VpsMetricName, number> = {
  cpuDemand: 100,
  cpuGranted: 100,
  cpuUseful: 100,
  cpuSteal: 1000,
  cpuThrottled: 1000,
  memDemandGiB: 100,
  memResidentGiB: 100,
  memSwappedGiB: 100,
  diskDemandIops: 1,
  diskServedIops: 1,
  netDemandMbps: 1,
  netServedMbps: 1,
  latencyMeanMs: 10,
  latencyP99Ms: 10,
  throughputRps: 1,
  errorRate: 1000,
  goodFraction: 1000,
  degradation: 10000,
  health: 1,
  demandRps: 1,
  schedWaitMs: 10,
  latencyP99IsolatedMs: 1,
  backlog: 1,
};

export const HOST_SCALE: Record<HostMetricName, number> = {
  cpuUtil: 1000,
  memUsedGiB: 100,
  hostSwapGiB: 100,
  diskUtil: 1000,
  netUtil: 1000,
  dom0CpuUtil: 1000,
  fairness: 1000,
  running: 1,
  cpuIdleCores: 100,
  hostOsCpuUtil: 1000,
};

/** Attribution edges below this share are not sent. */
export const WIRE_MIN_SHARE = 0.01;
/** At most this many attribution edges per frame (largest shares first). */
export const WIRE_MAX_EDGES = 16;

/** A number on the wire: a scaled integer, or null for a value that is not finite. */
export type WireNumber = number | null;

/**
 * One frame: `[tick, tMs, ids, host, vps, attribution]` where `ids` is the VPS ids joined by ",",
 * `host` follows HOST_METRICS, each `vps` row is `[stateIndex, ...VPS_METRICS]`, and each
 * attribution edge is `[victimIndex, culpritIndex, resourceIndex, share × 100]`.
 */
export type WireFrame = [
  tick: number,
  tMs: number,
  ids: string,
  host: WireNumber[],
  vps: WireNumber[][],
  attribution: number[][],
];

/** A broadcast as sent on the socket (`frame` event, and each entry of a snapshot's history). */
export interface WireFrameMessage {
  lab: string;
  tick: number;
  /** One frame per mode: two in a compare lab. */
  frames: WireFrame[];
}

function enc(v: number, scale: number): WireNumber {
  return Number.isFinite(v) ? Math.round(v * scale) : null;
}

function dec(v: WireNumber | undefined, scale: number): number {
  return typeof v === 'number' ? v / scale : Number.NaN;
}

const VPS_SCALES = VPS_METRICS.map((m) => VPS_SCALE[m]);
const HOST_SCALES = HOST_METRICS.map((m) => HOST_SCALE[m]);
const STATE_INDEX = new Map<string, number>(VPS_STATES.map((s, i) => [s, i]));
const RESOURCE_INDEX = new Map<string, number>(RESOURCES.map((r, i) => [r, i]));

/** Encode one engine frame. */
export function encodeFrame(frame: Frame): WireFrame {
  const host: WireNumber[] = new Array(HOST_METRICS.length);
  for (let i = 0; i < HOST_METRICS.length; i++) host[i] = enc(frame.host[HOST_METRICS[i]], HOST_SCALES[i]);
  const index = new Map<string, number>();
  const ids: string[] = new Array(frame.vps.length);
  const rows: WireNumber[][] = new Array(frame.vps.length);
  for (let v = 0; v < frame.vps.length; v++) {
    const vps = frame.vps[v];
    ids[v] = vps.id;
    index.set(vps.id, v);
    const row: WireNumber[] = new Array(VPS_METRICS.length + 1);
    row[0] = STATE_INDEX.get(vps.state) ?? 0;
    for (let i = 0; i < VPS_METRICS.length; i++) row[i + 1] = enc(vps[VPS_METRICS[i]], VPS_SCALES[i]);
    rows[v] = row;
  }
  const edges = frame.attribution
    .filter((a) => a.share >= WIRE_MIN_SHARE && index.has(a.victim) && index.has(a.culprit))
    .sort((a, b) => b.share - a.share)
    .slice(0, WIRE_MAX_EDGES)
    .map((a) => [
      index.get(a.victim) as number,
      index.get(a.culprit) as number,
      RESOURCE_INDEX.get(a.resource) ?? 0,
      Math.round(a.share * 100),
    ]);
  return [frame.tick, Math.round(frame.t * 1000), ids.join(','), host, rows, edges];
}

/** Decode one wire frame back into an engine-shaped frame (values at wire resolution). */
export function decodeFrame(wire: WireFrame): Frame {
  const [tick, tMs, idList, hostRow, rows, edges] = wire;
  const host = {} as HostMetrics;
  for (let i = 0; i < HOST_METRICS.length; i++) host[HOST_METRICS[i]] = dec(hostRow[i], HOST_SCALES[i]);
  const ids = idList === '' ? [] : idList.split(',');
  const vps: VpsMetrics[] = rows.map((row, v) => {
    const m = { id: ids[v], state: VPS_STATES[row[0] ?? 0] ?? 'running' } as VpsMetrics;
    for (let i = 0; i < VPS_METRICS.length; i++) m[VPS_METRICS[i]] = dec(row[i + 1], VPS_SCALES[i]);
    return m;
  });
  const attribution: Attribution[] = edges.map(([victim, culprit, resource, share]) => ({
    victim: ids[victim],
    culprit: ids[culprit],
    resource: RESOURCES[resource] ?? 'cpu',
    share: share / 100,
  }));
  return { tick, t: tMs / 1000, host, vps, attribution };
}

/** Encode a broadcast: the lab, its tick and one frame per mode. */
export function encodeFrameMessage(lab: string, frames: readonly Frame[]): WireFrameMessage {
  return { lab, tick: frames[0]?.tick ?? 0, frames: frames.map(encodeFrame) };
}

/** Decode a `frame` event (or a snapshot history entry) as received. */
export function decodeFrameMessage(msg: WireFrameMessage): { lab: string; tick: number; frames: Frame[] } {
  return { lab: msg.lab, tick: msg.tick, frames: msg.frames.map(decodeFrame) };
}
