/**
 * History older than the live snapshot, as the server sends it downsampled
 * (`GET /api/labs/:id/history`): per bucket of ticks, the min and max of each chart metric.
 * The charts draw it for the part of a long window the live ring does not hold yet.
 */
import { CHART_METRICS, HOST_CHART_METRICS, HOST_SERIES, type ChartMetric } from './series.js';

interface Envelope {
  min: Float32Array;
  max: Float32Array;
}

/** The downsampled history of one frame stream (one mode of a lab). */
export class CoarseHistory {
  /** Time of each bucket (its middle), simulated seconds, ascending. */
  readonly times: Float64Array;
  /** Last tick the buckets cover. */
  readonly toTick: number;
  private readonly cols = new Map<string, Envelope>();

  private constructor(times: Float64Array, toTick: number) {
    this.times = times;
    this.toTick = toTick;
  }

  get length(): number {
    return this.times.length;
  }

  envelope(vps: string, metric: ChartMetric): Envelope | undefined {
    return this.cols.get(`${vps}\u0000${metric}`);
  }

  /** Index of the first bucket with time ≥ t (length when none). */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Read the server's answer; null when it is not the expected shape. */
  static parse(raw: unknown): CoarseHistory | null {
    if (!raw || typeof raw !== 'object') return null;
    const r = raw as {
      tickMs?: unknown;
      bucketTicks?: unknown;
      toTick?: unknown;
      ticks?: unknown;
      vps?: unknown;
      host?: unknown;
    };
    const tickMs = Number(r.tickMs);
    const bucketTicks = Number(r.bucketTicks);
    if (
      !(tickMs > 0) ||
      !(bucketTicks >= 1) ||
      !Array.isArray(r.ticks) ||
      !r.vps ||
      typeof r.vps !== 'object'
    )
      return null;
    const n = r.ticks.length;
    const times = new Float64Array(n);
    for (let i = 0; i < n; i++) times[i] = ((Number(r.ticks[i]) + (bucketTicks - 1) / 2) * tickMs) / 1000;
    const h = new CoarseHistory(times, Number.isFinite(Number(r.toTick)) ? Number(r.toTick) : -1);
    const series: [string, unknown, readonly ChartMetric[]][] = Object.entries(
      r.vps as Record<string, unknown>,
    ).map(([vps, metrics]) => [vps, metrics, CHART_METRICS]);
    // The host's envelopes, where the answer has them, go under the host series.
    if (r.host && typeof r.host === 'object') series.push([HOST_SERIES, r.host, HOST_CHART_METRICS]);
    for (const [vps, metrics, names] of series) {
      if (!metrics || typeof metrics !== 'object') continue;
      for (const m of names) {
        const e = (metrics as Record<string, { min?: unknown; max?: unknown } | undefined>)[m];
        if (!e || !Array.isArray(e.min) || !Array.isArray(e.max)) continue;
        const min = new Float32Array(n);
        const max = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          min[i] = typeof e.min[i] === 'number' ? e.min[i] : NaN;
          max[i] = typeof e.max[i] === 'number' ? e.max[i] : NaN;
        }
        h.cols.set(`${vps}\u0000${m}`, { min, max });
      }
    }
    return h;
  }
}
