/**
 * What one answer of GET /api/labs/:id/history may carry. The server refuses a request past it
 * (409 LIMIT_EXCEEDED, naming `points`); the dashboard asks for no more points than fit its lab.
 */

/**
 * Most series points one answer carries (each a bucket's min, max and mean of one metric of one
 * VPS or of the host): about 30 MB of JSON. The dashboard's request for a lab of 256 VPSs (600
 * points of 10 metrics) fits; every metric of such a lab at 2 000 points (160 MB) does not.
 */
export const MAX_SERIES_POINTS = 1_500_000;

/** The most points an answer may have for `vps` VPSs, `vpsMetrics` VPS metrics and `hostMetrics` host metrics. */
export function maxPoints(vps: number, vpsMetrics: number, hostMetrics: number): number {
  return Math.floor(MAX_SERIES_POINTS / Math.max(1, vps * vpsMetrics + hostMetrics));
}
