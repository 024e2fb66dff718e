/**
 * What the runner tells a person on stderr: progress while a long run goes (only on a terminal),
 * and a short summary at the end (the host and the worst-off VPSs, not one line per VPS).
 */
import type { RunSummary } from '../export/summary.js';

/** Milliseconds on a monotonic clock (process.hrtime: no perf_hooks to load at start). */
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Progress on a terminal: ticks done, VPS-ticks per second, ETA; silent for runs under ~2 s. */
export class Progress {
  private count = 0;
  private vpsTicks = 0;
  private readonly t0 = now();
  private last = this.t0;
  private next = this.t0 + 2000;
  private shown = false;

  constructor(
    private readonly total: number,
    private readonly stream: { write(s: string): unknown; isTTY?: boolean } | null,
  ) {}

  /** Ticks computed so far. */
  get done(): number {
    return this.count;
  }

  /** Counts one computed tick of `n` VPSs. */
  tick(n: number): void {
    this.count++;
    this.vpsTicks += n;
    if (this.count === this.total) this.last = now();
    if (this.stream === null || (this.count & 15) !== 0) return;
    const t = now();
    if (t < this.next) return;
    this.next = t + 250;
    const s = (t - this.t0) / 1000;
    const eta = ((this.total - this.count) * s) / this.count;
    this.shown = true;
    this.stream.write(
      `\rsim: ${this.count}/${this.total} ticks (${Math.floor((100 * this.count) / this.total)} %), ` +
        `${rate(this.vpsTicks / s)} VPS-ticks/s, ETA ${eta.toFixed(0)} s\x1b[K`,
    );
  }

  /**
   * Clears the progress line; returns wall seconds, the seconds until the last tick was computed
   * (what the rate is of: a big summary is written after it), and VPS-ticks done.
   */
  end(): { seconds: number; steppingSeconds: number; vpsTicks: number } {
    if (this.shown) this.stream?.write('\r\x1b[K');
    const t = now();
    const last = this.count === this.total ? this.last : t;
    return {
      seconds: (t - this.t0) / 1000,
      steppingSeconds: (last - this.t0) / 1000,
      vpsTicks: this.vpsTicks,
    };
  }
}

/**
 * `in 2.64 s (2.33 M VPS-ticks/s)`; when writing the output after the last tick took a good part of
 * the run, that part is said apart and the rate is the stepping's alone.
 */
export function timing(t: { seconds: number; steppingSeconds: number; vpsTicks: number }): string {
  const writing = t.seconds - t.steppingSeconds;
  const r = rate(t.vpsTicks / Math.max(t.steppingSeconds, 1e-9));
  if (writing < 0.5 || writing < 0.1 * t.seconds) return `in ${t.seconds.toFixed(2)} s (${r} VPS-ticks/s)`;
  return (
    `in ${t.seconds.toFixed(2)} s: ${t.steppingSeconds.toFixed(2)} s stepping (${r} VPS-ticks/s), ` +
    `${writing.toFixed(2)} s writing the output`
  );
}

/** `1.23 M`, `456 k`. */
export function rate(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(0)} k`;
}

const pct = (x: number | null | undefined): string => (x == null ? '–' : `${(100 * x).toFixed(1)} %`);
const fix = (x: number | null | undefined, d: number): string => (x == null ? '–' : x.toFixed(d));

/**
 * One line per run on the host: CPU, Dom0, memory, swap, fairness. `runs` says each run's modes
 * (`para, then full from tick 412`), or null for a run not to be named (the only one, in one mode).
 */
export function hostLines(runs: readonly (string | null)[], summaries: readonly RunSummary[]): string {
  return summaries
    .map((s, r) => {
      const h = s.host;
      const who = runs[r] === null ? '' : ` (${runs[r]})`;
      return (
        `host${who}: cpu ${pct(h.cpuUtil)}, dom0 ${pct(h.dom0CpuUtil)}, disk ${pct(h.diskUtil)}, ` +
        `net ${pct(h.netUtil)}, mem ${fix(h.memUsedGiB, 1)} GiB, swap ${fix(h.hostSwapGiB, 1)} GiB, ` +
        `fairness ${fix(h.fairness, 3)}, running ${fix(h.running, 1)} (means over ${s.ticks} ticks)\n`
      );
    })
    .join('');
}

/**
 * A per-VPS table of the `limit` worst-off VPSs (DNR first, then by degradation in any mode); with
 * several runs, each beside the first with the difference. All VPSs when there are at most `limit`.
 * `runs` heads each run's columns (its modes, `modeTrail`); runs headed alike are numbered.
 */
export function summaryTable(runs: readonly string[], summaries: readonly RunSummary[], limit = 8): string {
  const all = [...new Set(summaries.flatMap((s) => Object.keys(s.vps)))];
  const badness = new Map<string, number>();
  for (const id of all) {
    let b = -1;
    for (const s of summaries) {
      const v = s.vps[id];
      if (v) b = Math.max(b, (v.dnr ? 1e9 : 0) + v.degradationPct);
    }
    badness.set(id, b);
  }
  const ids =
    all.length <= limit ? all : [...all].sort((a, b) => badness.get(b)! - badness.get(a)!).slice(0, limit);
  const labels = runs.map((l, r) => (runs.indexOf(l) !== runs.lastIndexOf(l) ? `${l} #${r + 1}` : l));
  const cols: { title: string; get: (s: RunSummary, id: string) => number | null; digits: number }[] = [
    { title: 'degr %', get: (s, id) => s.vps[id]?.degradationPct ?? null, digits: 2 },
    { title: 'p99 ms', get: (s, id) => s.vps[id]?.latencyP99Ms ?? null, digits: 1 },
    { title: 'rps', get: (s, id) => s.vps[id]?.throughputRps ?? null, digits: 1 },
  ];
  const head = ['vps'];
  for (const c of cols) {
    labels.forEach((l) => head.push(`${c.title} ${l}`));
    if (summaries.length > 1) labels.slice(1).forEach((l) => head.push(`Δ ${l}`));
  }
  head.push('DNR');
  const rows = [head];
  for (const id of ids) {
    const row = [id];
    for (const c of cols) {
      const vals = summaries.map((s) => c.get(s, id));
      vals.forEach((v) => row.push(v === null ? '–' : v.toFixed(c.digits)));
      for (const v of vals.slice(1)) {
        row.push(
          v === null || vals[0] === null
            ? '–'
            : (v - vals[0] >= 0 ? '+' : '') + (v - vals[0]).toFixed(c.digits),
        );
      }
    }
    row.push(summaries.map((s) => (s.vps[id] ? (s.vps[id].dnr ? 'DNR' : 'ok') : '–')).join(' / '));
    rows.push(row);
  }
  const widths = head.map((_, k) => Math.max(...rows.map((r) => r[k].length)));
  const title =
    ids.length < all.length
      ? `worst ${ids.length} of ${all.length} VPSs (DNR first, then by degradation):\n`
      : '';
  const dnr = summaries.map((s) => Object.values(s.vps).filter((v) => v.dnr).length);
  const tail = ids.length < all.length ? `DNR: ${dnr.join(' / ')} of ${all.length} VPSs\n` : '';
  return (
    title +
    rows
      .map((r) => r.map((c, k) => (k === 0 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join('  '))
      .join('\n') +
    '\n' +
    tail
  );
}
