/** Builders of engine-shaped frames for the dashboard's unit tests. */
import {
  HOST_METRICS,
  VPS_METRICS,
  type Frame,
  type HostMetrics,
  type VpsMetrics,
} from '../../../shared/model.js';

export function vpsMetrics(id: string, over: Partial<VpsMetrics> = {}): VpsMetrics {
  const m = { id, state: 'running' } as VpsMetrics;
  for (const k of VPS_METRICS) m[k] = 0;
  m.latencyP99Ms = 10;
  m.latencyP99IsolatedMs = 10;
  m.health = 100;
  return { ...m, ...over };
}

export function hostMetrics(over: Partial<HostMetrics> = {}): HostMetrics {
  const h = {} as HostMetrics;
  for (const k of HOST_METRICS) h[k] = 0;
  return { ...h, ...over };
}

export function frame(tick: number, vps: VpsMetrics[], extra: Partial<Frame> = {}): Frame {
  return { tick, t: (tick + 1) / 10, host: hostMetrics(), vps, attribution: [], ...extra };
}
