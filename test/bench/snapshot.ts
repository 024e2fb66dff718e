/**
 * Snapshot: what a join costs before the first chart can draw. One 16-VPS lab (the fan-out lab)
 * with a full minute of history at 1× (600 broadcasts); real socket.io clients join it again and
 * again (a new connection each: one may join only a few times a second), the history in columns
 * carrying every VPS metric or only the charted ones.
 *
 * Prints per form: snapshot bytes (JSON), server encode time (history read + encoding, cache
 * cold), join-to-snapshot time at the client, and the time the page's chart table takes to fill
 * from the columns.
 * Medians of REPS joins. Run: `npm run bench -- snapshot` (or `npx tsx test/bench/snapshot.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { io as connect, type Socket } from 'socket.io-client';
import { DEFAULTS, type Config } from '../../server/config.js';
import type { Lab } from '../../server/lab/lab.js';
import { silentLogger } from '../../server/log.js';
import { createApp } from '../../server/net/app.js';
import type { ClientToServer, ServerToClient, SnapshotMessage } from '../../shared/protocol.js';
import { VPS_METRICS, type VpsMetricName } from '../../shared/model.js';
import { SeriesTable } from '../../client/src/lib/series.js';
import { countOf } from '../../shared/wire.js';
import { scenario } from './fanout.js';

const REPS = Number(process.env.BENCH_SNAPSHOT_REPS ?? 15);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Server-side encode of the whole snapshot history, as `Lab.snapshot` does on a cold cache. */
function encodeMs(lab: Lab, rows?: number[]): number {
  const t0 = performance.now();
  const last = lab.history.lastTick ?? 0;
  const from = Math.max(0, last - 599);
  lab.history.columns('bench', from, last, 1, rows);
  return performance.now() - t0;
}

/**
 * One page joining: a new connection (a connection may join only a few times a second), then the
 * time from its `join` to its snapshot. A refused join fails the bench rather than waiting forever.
 */
async function joinOnce(
  url: string,
  metrics?: VpsMetricName[],
): Promise<{ snap: SnapshotMessage; ms: number }> {
  const socket: Socket<ServerToClient, ClientToServer> = connect(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  try {
    await new Promise<void>((ok, fail) => {
      socket.once('connect', ok);
      socket.once('connect_error', fail);
    });
    const t0 = performance.now();
    const snap = await new Promise<SnapshotMessage>((ok, fail) => {
      socket.once('snapshot', ok);
      socket.emit('join', { lab: 'bench', metrics }, (r) => {
        if (!r.ok) fail(new Error(`join refused: ${r.error.code} ${r.error.message}`));
      });
    });
    return { snap, ms: performance.now() - t0 };
  } finally {
    socket.close();
  }
}

export async function run(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'snapshot-'));
  const config: Config = { ...DEFAULTS, port: 0, dataDir, clientDir: path.join(dataDir, 'none') };
  const app = await createApp({ config, logger: silentLogger() });
  try {
    const made = await app.registry.create({ id: 'bench', scenario: scenario() });
    if (!made.ok) throw new Error(made.error.message);
    const lab = made.data;
    lab.clock({ action: 'pause' }, 'bench');
    lab.clock({ action: 'step', ticks: 600 }, 'bench');
    lab.clock({ action: 'step', ticks: 100 }, 'bench');
    const { url } = await app.listen();
    console.log('form                entries    bytes   encode ms   join→snapshot ms    fill ms');
    const CHART = [
      'latencyP99Ms',
      'throughputRps',
      'demandRps',
      'cpuSteal',
      'cpuThrottled',
      'health',
    ] as const;
    const forms = [
      { name: 'columns', join: {} },
      { name: 'columns, 6 metrics', join: { metrics: CHART } },
    ] as const;
    for (const { name, join: ask } of forms) {
      const enc: number[] = [];
      const join: number[] = [];
      const dec: number[] = [];
      let bytes = 0;
      let entries = 0;
      for (let r = 0; r < REPS; r++) {
        enc.push(
          encodeMs(
            lab,
            'metrics' in ask
              ? [0, ...ask.metrics.map((m) => VPS_METRICS.indexOf(m) + 1).sort((a, b) => a - b)]
              : undefined,
          ),
        );
        // A new tick each time, so the server encodes afresh (no cached snapshot).
        lab.clock({ action: 'step', ticks: 1 }, 'bench');
        const { snap, ms } = await joinOnce(url, 'metrics' in ask ? [...ask.metrics] : undefined);
        join.push(ms);
        const t1 = performance.now();
        new SeriesTable().appendColumns(snap.historyColumns, 0);
        dec.push(performance.now() - t1);
        entries = countOf(snap.historyColumns.ticks);
        bytes = Buffer.byteLength(JSON.stringify(snap));
      }
      console.log(
        `${name.padEnd(19)} ${String(entries).padStart(7)} ${String(bytes).padStart(8)}` +
          ` ${median(enc).toFixed(1).padStart(11)} ${median(join).toFixed(1).padStart(18)}` +
          ` ${median(dec).toFixed(1).padStart(11)}`,
      );
    }
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void run();
