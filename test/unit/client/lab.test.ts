import { describe, expect, it, vi } from 'vitest';
import { markerFor } from '../../../client/src/lib/eventMarker.js';
import { LabClient, MAX_EVENTS, type LabSocket } from '../../../client/src/lib/lab.svelte.js';
import type { FrameMessage, LabEvent, LabState, SnapshotMessage } from '../../../shared/protocol.js';
import { ALL_ROWS } from '../../../shared/wire.js';
import { FrameHistory } from '../../../server/lab/history.js';
import { VPS_METRICS } from '../../../shared/model.js';
import {
  CHART_METRICS,
  HOST_CHART_METRICS,
  HOST_SERIES,
  SeriesTable,
} from '../../../client/src/lib/series.js';
import { frame, vpsMetrics } from './frames.js';
import { GIVE_UP_MS, RESTORING_RETRY_MS } from '../../../client/src/lib/requests.js';

function labState(over: Partial<LabState> = {}): LabState {
  return {
    id: 'demo',
    name: 'Demo',
    tick: 0,
    tickMs: 100,
    mode: 'para',
    host: { cores: 16, ramGiB: 64, diskIops: 100_000, netMbps: 10_000, memBwGBs: 100 },
    vps: [],
    faults: [],
    hostFaults: [],
    speed: 1,
    paused: false,
    ...over,
  };
}

function fm(tick: number, p99 = 10, lab = 'demo'): FrameMessage {
  return { lab, tick, frames: [frame(tick, [vpsMetrics('web-1', { latencyP99Ms: p99 })])] };
}

/** Consecutive ticks' frames in columns, as the server reads them from its history. */
function columnsOf(msgs: FrameMessage[], rows: readonly number[] = ALL_ROWS) {
  const held = new FrameHistory({ maxTicks: 10_000, maxBytes: 1e8 });
  for (const m of msgs) held.push(m.frames);
  return held.columns(msgs[0].lab, msgs[0].tick, msgs[msgs.length - 1].tick, 1, rows);
}

/** A snapshot as the socket carries it (history in columns). */
function snapshot(ticks: number[], over: Partial<SnapshotMessage> = {}): SnapshotMessage {
  const historyColumns = columnsOf(ticks.map((t) => fm(t, t)));
  return { lab: 'demo', state: labState(), historyColumns, events: [], canControl: true, ...over };
}

describe('LabClient', () => {
  it('fills the charts from the snapshot and exposes the newest frame', () => {
    const c = new LabClient('demo');
    c.applyWireSnapshot(snapshot([0, 1, 2, 3]));
    expect(c.ready).toBe(true);
    expect(c.tables[0].length).toBe(4);
    expect(c.tick).toBe(3);
    expect(c.latest[0].vps[0].latencyP99Ms).toBe(3);
  });

  it('appends newer frames and drops old, repeated or foreign ones', () => {
    const c = new LabClient('demo');
    let notified = 0;
    c.onData(() => notified++);
    c.applyWireSnapshot(snapshot([0, 1, 2]));
    expect(c.applyFrame(fm(3, 30))).toBe(true);
    expect(c.applyFrame(fm(3, 99))).toBe(false);
    expect(c.applyFrame(fm(1, 99))).toBe(false);
    expect(c.applyFrame(fm(4, 99, 'other'))).toBe(false);
    expect(c.tables[0].toArray('web-1', 'latencyP99Ms').v).toEqual([0, 1, 2, 30]);
    expect(c.latest[0].vps[0].latencyP99Ms).toBe(30);
    expect(notified).toBe(2);
  });

  it('coalesces a burst of frames into one UI update per interval, while the charts get every frame', () => {
    vi.useFakeTimers();
    try {
      const c = new LabClient('demo', 100, 200);
      c.applyWireSnapshot(snapshot([0]));
      c.applyFrame(fm(1, 11));
      expect(c.latest[0].vps[0].latencyP99Ms).toBe(11);
      for (let t = 2; t <= 5; t++) c.applyFrame(fm(t, t * 10));
      expect(c.latest[0].vps[0].latencyP99Ms).toBe(11);
      expect(c.tables[0].length).toBe(6);
      vi.advanceTimersByTime(200);
      expect(c.latest[0].vps[0].latencyP99Ms).toBe(50);
      expect(c.tick).toBe(5);
    } finally {
      vi.useRealTimers();
    }
  });

  it('charts the ticks a broadcast carries along (a late server timer at 1×) in order, skipping those it holds', () => {
    const c = new LabClient('demo');
    c.applyWireSnapshot(snapshot([0, 1, 2]));
    const missed = [2, 3, 4].map((t) => fm(t, t * 10).frames);
    expect(c.applyFrame({ ...fm(5, 50), missed })).toBe(true);
    const s = c.tables[0].toArray('web-1', 'latencyP99Ms');
    expect(s.t.map((t) => Math.round(t * 10))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.v).toEqual([0, 1, 2, 30, 40, 50]);
  });

  it('ignores frames that arrive before the first snapshot', () => {
    const c = new LabClient('demo');
    expect(c.applyFrame(fm(5))).toBe(false);
    expect(c.tables[0].length).toBe(0);
  });

  it('replaces the whole history on a reconnect snapshot, leaving no gap and no stale tick', () => {
    const c = new LabClient('demo');
    c.applyWireSnapshot(snapshot([0, 1, 2]));
    c.applyFrame(fm(3));
    // Offline for ticks 4..9; the snapshot on reconnect carries them.
    c.applyWireSnapshot(snapshot([2, 3, 4, 5, 6, 7, 8, 9]));
    const ticks = [...Array(c.tables[0].length).keys()].map((i) => c.tables[0].tickAt(i));
    expect(ticks).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(c.applyFrame(fm(9))).toBe(false);
    expect(c.applyFrame(fm(10))).toBe(true);
  });

  it('keeps one table per mode of a compare lab', () => {
    const c = new LabClient('cmp');
    const two = (tick: number): FrameMessage => ({
      lab: 'cmp',
      tick,
      frames: [
        frame(tick, [vpsMetrics('web-1', { latencyP99Ms: 50 })]),
        frame(tick, [vpsMetrics('web-1', { latencyP99Ms: 5 })]),
      ],
    });
    c.applyWireSnapshot({
      lab: 'cmp',
      state: labState({ id: 'cmp', mode: 'para', compareMode: 'full' }),
      historyColumns: columnsOf([two(0)]),
      events: [],
      canControl: true,
    });
    c.applyFrame(two(1));
    expect(c.isCompare).toBe(true);
    expect(c.modes).toEqual(['para', 'full']);
    expect(c.tables[0].latest('web-1', 'latencyP99Ms')).toBe(50);
    expect(c.tables[1].latest('web-1', 'latencyP99Ms')).toBe(5);
  });

  it('bounds the event log, applies state carried by events, and turns faults into markers', () => {
    const c = new LabClient('demo');
    c.applyWireSnapshot(snapshot([0]));
    const ev = (tick: number): LabEvent => ({
      tick,
      kind: 'command',
      by: 'rest',
      message: 'cpu_hog on batch-1',
      command: { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' },
    });
    for (let i = 0; i < MAX_EVENTS + 20; i++) c.applyEvent({ lab: 'demo', event: ev(i) });
    expect(c.events.length).toBe(MAX_EVENTS);
    expect(c.events[c.events.length - 1].tick).toBe(MAX_EVENTS + 19);
    c.applyEvent({ lab: 'demo', event: ev(600), state: labState({ paused: true }) });
    expect(c.state?.paused).toBe(true);
    expect(c.markers.at(-1)).toMatchObject({ kind: 'fault', t: 60, label: 'cpu_hog on batch-1' });
  });

  it('shows watch-only state from the snapshot', () => {
    const c = new LabClient('demo');
    c.applyWireSnapshot(snapshot([0], { canControl: false }));
    expect(c.canControl).toBe(false);
  });

  it('sends commands with the lab id and reports refusals', async () => {
    const c = new LabClient('demo');
    const sent: unknown[] = [];
    const socket = {
      emit: (_e: string, msg: unknown, ack: (r: unknown) => void) => {
        sent.push(msg);
        ack({ ok: false, error: { code: 'FORBIDDEN', message: 'watch-only' } });
      },
    } as unknown as LabSocket;
    c.attach(socket);
    const offline = await c.startFault('web-1', 'cpu_hog');
    expect(offline.ok).toBe(false);
    expect(sent).toEqual([]);
    c.setStatus('connected');
    const r = await c.startFault('web-1', 'cpu_hog');
    expect(sent).toEqual([
      { type: 'startFault', vps: 'web-1', fault: 'cpu_hog', lab: 'demo', requestId: expect.any(String) },
    ]);
    expect(r.ok).toBe(false);
    expect(c.lastError?.code).toBe('FORBIDDEN');
  });
});

describe('LabClient requests', () => {
  /** A socket that records what is sent and answers nothing until told. */
  function quietSocket() {
    const sent: { event: string; msg: { requestId?: string }; ack: (r: unknown) => void }[] = [];
    const socket = {
      emit: (event: string, msg: { requestId?: string }, ack: (r: unknown) => void) =>
        void sent.push({ event, msg, ack }),
    } as unknown as LabSocket;
    return { sent, socket };
  }

  it('gives each action its own request id', async () => {
    const c = new LabClient('demo');
    const { sent, socket } = quietSocket();
    c.attach(socket);
    c.setStatus('connected');
    void c.send({ type: 'setLoad', vps: 'web-1', load: { cpu: 0.5 } });
    void c.clock('step', 2);
    const ids = sent.map((s) => s.msg.requestId);
    expect(ids.every((id) => typeof id === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(2);
  });

  it('sends an action whose answer was lost again, with the same id, once connected again, and answers with the server’s answer', async () => {
    const c = new LabClient('demo');
    const { sent, socket } = quietSocket();
    c.attach(socket);
    c.setStatus('connected');
    const answered = vi.fn();
    const p = c.send({ type: 'setLoad', vps: 'web-1', load: { cpu: 0.5 } }).then(answered);
    c.setStatus('disconnected');
    await Promise.resolve();
    expect(answered).not.toHaveBeenCalled();
    expect(sent).toHaveLength(1);
    c.setStatus('connected');
    expect(sent).toHaveLength(2);
    expect(sent[1].msg).toEqual(sent[0].msg);
    sent[1].ack({ ok: true, data: { tick: 7 } });
    // A late answer to the first send changes nothing: one answer per action.
    sent[0].ack({ ok: false, error: { code: 'FORBIDDEN', message: 'late' } });
    await p;
    expect(answered.mock.calls).toEqual([[{ ok: true, data: { tick: 7 } }]]);
    expect(c.lastError).toBeNull();
  });

  it('stops waiting when the connection stays down, saying it cannot tell whether it applied', async () => {
    vi.useFakeTimers();
    try {
      const c = new LabClient('demo');
      const { sent, socket } = quietSocket();
      c.attach(socket);
      c.setStatus('connected');
      const p = c.startFault('web-1', 'cpu_hog');
      c.setStatus('disconnected');
      vi.advanceTimersByTime(GIVE_UP_MS - 1);
      c.setStatus('disconnected'); // reconnection attempts fail; the wait is not extended
      vi.advanceTimersByTime(1);
      const r = await p;
      expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
      expect(r.ok || r.error.message).toMatch(/not known whether it applied/);
      // Not a refusal by the server: nothing for the page's "server refused" banner; nothing resent.
      expect(c.lastError).toBeNull();
      c.setStatus('connected');
      expect(sent).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('sends again to a server still restoring the lab until it answers', async () => {
    vi.useFakeTimers();
    try {
      const c = new LabClient('demo');
      const { sent, socket } = quietSocket();
      c.attach(socket);
      c.setStatus('connected');
      const p = c.clock('pause');
      c.setStatus('disconnected');
      c.setStatus('connected');
      sent[1].ack({ ok: false, error: { code: 'RESTORING', message: 'being restored' } });
      vi.advanceTimersByTime(RESTORING_RETRY_MS);
      expect(sent).toHaveLength(3);
      expect(sent[2].msg).toEqual(sent[0].msg);
      sent[2].ack({ ok: true, data: { tick: 3, speed: 1, paused: true } });
      expect(await p).toEqual({ ok: true, data: { tick: 3, speed: 1, paused: true } });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('LabClient history', () => {
  it('fills the tables from a snapshot as sent on the socket, decoding only the newest entry', () => {
    const wire = new LabClient('demo');
    wire.applyWireSnapshot(snapshot([10, 11, 12]));
    expect(wire.tables[0].toArray('web-1', 'latencyP99Ms').v).toEqual([10, 11, 12]);
    expect(wire.tick).toBe(12);
    expect(wire.latest[0].vps[0].latencyP99Ms).toBe(12);
    expect(wire.ready).toBe(true);
  });

  it('takes a snapshot whose columns carry only the charted metrics: the charts hold what the frames said', () => {
    const all = new LabClient('demo');
    const charted = new LabClient('demo');
    const msgs = [10, 11, 12, 13].map((t) => fm(t, t));
    all.applyWireSnapshot(snapshot([10, 11, 12, 13]));
    const rows = [0, ...CHART_METRICS.map((m) => VPS_METRICS.indexOf(m) + 1)];
    charted.applyWireSnapshot({ ...snapshot([10, 11, 12, 13]), historyColumns: columnsOf(msgs, rows) });
    // What the same frames give appended one by one, live.
    const live = new SeriesTable();
    for (const m of msgs) live.append(m.frames[0]);
    for (const c of [all, charted]) {
      for (const m of CHART_METRICS)
        expect(c.tables[0].toArray('web-1', m), m).toEqual(live.toArray('web-1', m));
      for (const m of HOST_CHART_METRICS)
        expect(c.tables[0].toArray(HOST_SERIES, m), m).toEqual(live.toArray(HOST_SERIES, m));
      expect(c.tick).toBe(13);
    }
    expect(charted.latest[0].vps[0]).toEqual(all.latest[0].vps[0]);
  });

  it('asks the server for the part of a long window the live history lacks, once per snapshot', async () => {
    const asked: { side: number; toTick: number; windowS: number; points: number }[] = [];
    const answer = {
      tickMs: 100,
      bucketTicks: 10,
      toTick: 999,
      ticks: Array.from({ length: 100 }, (_, i) => i * 10),
      vps: {
        'web-1': {
          latencyP99Ms: { min: Array(100).fill(1), max: Array(100).fill(2), mean: Array(100).fill(1.5) },
        },
      },
    };
    const c = new LabClient('demo', 9000, 200, async (_lab, q) => {
      asked.push(q);
      return { ok: true, data: answer };
    });
    let notified = 0;
    c.onData(() => notified++);
    c.applyWireSnapshot(snapshot(Array.from({ length: 600 }, (_, i) => 1000 + i)));
    c.needHistory(60);
    expect(asked).toEqual([]); // 60 s held
    c.needHistory(300);
    c.needHistory(300);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ side: 0, toTick: 999 });
    expect(asked[0].windowS).toBeGreaterThanOrEqual(240);
    await Promise.resolve();
    await Promise.resolve();
    expect(c.coarse[0]?.length).toBe(100);
    expect(notified).toBeGreaterThan(1);
    c.needHistory(900);
    expect(asked).toHaveLength(2);
    // A lab that holds everything since tick 0 needs nothing more.
    const young = new LabClient('demo', 9000, 200, async (_lab, q) => {
      asked.push(q);
      return { ok: true, data: answer };
    });
    young.applyWireSnapshot(snapshot([0, 1, 2]));
    young.needHistory(900);
    expect(asked).toHaveLength(2);
  });
});

describe('markerFor', () => {
  it('skips slider moves and marks mode switches', () => {
    const base = { by: 'x', message: '' };
    expect(
      markerFor(
        { ...base, tick: 5, kind: 'command', command: { type: 'setLoad', vps: 'a', load: { cpu: 1 } } },
        100,
      ),
    ).toBeNull();
    expect(
      markerFor({ ...base, tick: 50, kind: 'command', command: { type: 'setMode', mode: 'full' } }, 100),
    ).toMatchObject({ kind: 'mode', t: 5 });
    expect(markerFor({ ...base, tick: 50, kind: 'faultEnded', message: 'cpu_hog ended' }, 200)).toMatchObject(
      { kind: 'recovery', t: 10 },
    );
  });
});
