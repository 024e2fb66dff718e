import { describe, expect, it } from 'vitest';
import { HOST_METRICS, RESOURCES, VPS_METRICS, VPS_STATES, type Frame } from '../../../shared/model.js';
import { HOST_SCALE, VPS_SCALE, WIRE_INT_MAX } from '../../../shared/wire.js';
import {
  blockVps,
  decodeFrameMessage,
  encodeFrameMessage,
  frameBlocks,
  WIRE_BINARY_MIN_INTS,
  WIRE_NULL,
  type WireFrameMessage,
} from '../../../shared/wireFrame.js';

/** A frame with realistic magnitudes (seeded, so reproducible). */
function frame(n: number, seed = 7): Frame {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const mag: Partial<Record<string, number>> = {
    diskDemandIops: 20000,
    diskServedIops: 20000,
    netDemandMbps: 1000,
    netServedMbps: 1000,
    latencyMeanMs: 80,
    latencyP99Ms: 400,
    throughputRps: 5000,
    demandRps: 5000,
    health: 100,
    latencyP99IsolatedMs: 300,
    backlog: 2000,
    cpuDemand: 8,
    cpuGranted: 8,
    cpuUseful: 8,
    memDemandGiB: 16,
    memResidentGiB: 16,
    memSwappedGiB: 4,
    schedWaitMs: 60,
  };
  const host = Object.fromEntries(
    HOST_METRICS.map((m) => [m, rnd() * (m === 'memUsedGiB' ? 64 : m === 'running' ? n : 1)]),
  ) as Frame['host'];
  const vps = Array.from({ length: n }, (_, i) => {
    const v = {
      id: `vps-${String(i).padStart(2, '0')}`,
      state: VPS_STATES[i % VPS_STATES.length],
    } as Frame['vps'][number];
    for (const m of VPS_METRICS) v[m] = rnd() * (mag[m] ?? 1);
    return v;
  });
  const attribution = vps.flatMap((v, i) =>
    vps
      .filter((_, j) => j !== i && j % 5 === 0)
      .map((c, k) => ({ victim: v.id, culprit: c.id, resource: RESOURCES[k % 5], share: rnd() })),
  );
  return { tick: 12345, t: 1234.5, host, vps, attribution };
}

/** Bytes a frame message takes on the socket: its JSON header and its binary data. */
function wireSize(msg: WireFrameMessage): number {
  const { data, ...head } = msg;
  if (Array.isArray(data)) return Buffer.byteLength(JSON.stringify(msg));
  return Buffer.byteLength(JSON.stringify(head)) + (data as Uint8Array).byteLength;
}

describe('wire encoding', () => {
  it('even with every metric busy, a 16-VPS frame is several times smaller than plain JSON', () => {
    const f = frame(16);
    const plain = Buffer.byteLength(JSON.stringify({ lab: 'demo', tick: f.tick, frames: [f] }));
    expect(wireSize(encodeFrameMessage('demo', [f])) * 4).toBeLessThan(plain);
  });

  it('round-trips every metric within its wire resolution, with states and ids exact', () => {
    const f = frame(16);
    const d = decodeFrameMessage(encodeFrameMessage('demo', [f])).frames[0];
    expect(d.tick).toBe(f.tick);
    expect(d.t).toBe(f.t);
    expect(d.vps.map((v) => [v.id, v.state])).toEqual(f.vps.map((v) => [v.id, v.state]));
    for (let i = 0; i < f.vps.length; i++)
      for (const m of VPS_METRICS)
        expect(Math.abs(d.vps[i][m] - f.vps[i][m])).toBeLessThanOrEqual(0.5 / VPS_SCALE[m] + 1e-12);
    for (const m of HOST_METRICS)
      expect(Math.abs(d.host[m] - f.host[m])).toBeLessThanOrEqual(0.5 / HOST_SCALE[m] + 1e-12);
  });

  it('keeps the largest attribution edges, naming victim, culprit and resource', () => {
    const f = frame(16);
    const d = decodeFrameMessage(encodeFrameMessage('demo', [f])).frames[0];
    const top = [...f.attribution].sort((a, b) => b.share - a.share)[0];
    expect(d.attribution[0]).toMatchObject({
      victim: top.victim,
      culprit: top.culprit,
      resource: top.resource,
    });
    expect(d.attribution[0].share).toBeCloseTo(top.share, 2);
    expect(d.attribution.length).toBeLessThanOrEqual(16);
  });

  it('sends a non-finite value as the null sentinel and decodes it as NaN; a huge one is clamped', () => {
    const f = frame(2);
    f.vps[1].latencyP99Ms = Infinity;
    f.vps[0].cpuSteal = Number.NaN;
    f.vps[0].backlog = 1e12;
    f.host.cpuUtil = -1e12;
    const msg = encodeFrameMessage('demo', [f]);
    const b = frameBlocks(msg).frames[0];
    expect(b.ints[b.at + HOST_METRICS.length + (1 + VPS_METRICS.indexOf('latencyP99Ms')) * 2 + 1]).toBe(
      WIRE_NULL,
    );
    expect(blockVps(b, 1, 1 + VPS_METRICS.indexOf('latencyP99Ms'))).toBeNull();
    const d = decodeFrameMessage(msg).frames[0];
    expect(d.vps[1].latencyP99Ms).toBeNaN();
    expect(d.vps[0].cpuSteal).toBeNaN();
    expect(d.vps[0].backlog).toBe(WIRE_INT_MAX / VPS_SCALE.backlog);
    expect(d.host.cpuUtil).toBe(-WIRE_INT_MAX / HOST_SCALE.cpuUtil);
    // The snapshot's JSON form carries the same integers.
    const json = JSON.parse(
      JSON.stringify(encodeFrameMessage('demo', [f], undefined, false)),
    ) as WireFrameMessage;
    expect(decodeFrameMessage(json)).toEqual(decodeFrameMessage(msg));
  });

  it('lays a block out as documented: host, states, then each VPS metric column by column, little-endian when binary', () => {
    const H = HOST_METRICS.length;
    const k = VPS_METRICS.indexOf('latencyP99Ms');
    // 3 VPSs: a small message, its int32s as a JSON array; 100 VPSs: past WIRE_BINARY_MIN_INTS, bytes.
    for (const n of [3, 100]) {
      const f = frame(n);
      const data = encodeFrameMessage('demo', [f]).data;
      const size = H + n * (VPS_METRICS.length + 1);
      expect(Array.isArray(data)).toBe(size <= WIRE_BINARY_MIN_INTS);
      let int = (i: number) => (data as number[])[i];
      if (!Array.isArray(data)) {
        const bytes = data as Uint8Array;
        expect(bytes.byteLength).toBe(4 * size);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        int = (i: number) => view.getInt32(i * 4, true);
      } else expect(data).toHaveLength(size);
      expect(int(0)).toBe(Math.round(f.host.cpuUtil * HOST_SCALE.cpuUtil));
      expect(int(H + 2)).toBe(VPS_STATES.indexOf(f.vps[2].state));
      expect(int(H + (k + 1) * n + 1)).toBe(Math.round(f.vps[1].latencyP99Ms * VPS_SCALE.latencyP99Ms));
    }
  });

  it('reads data as it arrives: an ArrayBuffer (a browser), an unaligned Buffer slice (node), or a JSON array', () => {
    const f = frame(80);
    const msg = encodeFrameMessage('demo', [f], [[frame(80, 9)], [frame(79, 11)]]);
    const bytes = msg.data as Uint8Array;
    expect(bytes).toBeInstanceOf(Uint8Array);
    const want = decodeFrameMessage(msg);
    expect(want.missed?.map((fs) => fs[0].vps.length)).toEqual([80, 79]);
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    expect(decodeFrameMessage({ ...msg, data: ab })).toEqual(want);
    const padded = Buffer.alloc(bytes.byteLength + 1);
    Buffer.from(bytes).copy(padded, 1);
    expect(decodeFrameMessage({ ...msg, data: padded.subarray(1) })).toEqual(want);
    expect(decodeFrameMessage({ ...msg, data: Array.from(new Int32Array(ab)) })).toEqual(want);
  });

  it('refuses a message it cannot read, naming what is wrong', () => {
    const msg = encodeFrameMessage('demo', [frame(100)]);
    const bytes = msg.data as Uint8Array;
    expect(() => decodeFrameMessage({ ...msg, v: 1 })).toThrow(/v must be 2/);
    expect(() => decodeFrameMessage({ ...msg, data: bytes.subarray(0, bytes.byteLength - 4) })).toThrow(
      /data holds/,
    );
    expect(() => decodeFrameMessage({ ...msg, data: bytes.subarray(0, 5) })).toThrow(/not whole int32s/);
    expect(() => decodeFrameMessage({ ...msg, frames: [[1, 2] as never] })).toThrow(/frames\[0\]/);
    expect(() => decodeFrameMessage({ ...msg, data: 'x' as never })).toThrow(/data must be binary/);
  });

  it('handles a frame with no VPS', () => {
    const f = { ...frame(1), vps: [], attribution: [] };
    expect(decodeFrameMessage(encodeFrameMessage('demo', [f])).frames[0].vps).toEqual([]);
  });
});

describe('wire encoding of real engine frames', () => {
  it('every frame of a busy 16-VPS lab (faults, attribution) is at most 2 KB on the wire (header and data), plus its p95 and disk latency', async () => {
    const { createEngine } = await import('../../../server/sim/index.js');
    const roles = ['web', 'database', 'cache', 'batch', 'ci', 'mail'] as const;
    const vps = Array.from({ length: 16 }, (_, i) => ({
      id: `${roles[i % 6]}-${Math.floor(i / 6) + 1}`,
      role: roles[i % 6],
      vcpus: 2 + (i % 3),
      ramGiB: 8,
      diskIops: 5000,
      netMbps: 1000,
      profile: (i % 2 ? 'bursty' : 'diurnal') as 'bursty' | 'diurnal',
      load: { cpu: 0.7, mem: 0.6, disk: 0.4, net: 0.4 },
    }));
    const engine = createEngine({
      name: 'busy',
      seed: 3,
      mode: 'para',
      host: { cores: 32, ramGiB: 128, diskIops: 60000, netMbps: 10000 },
      vps,
      events: [
        { atTick: 0, type: 'startFault', vps: vps[3].id, fault: 'io_storm' },
        { atTick: 0, type: 'startFault', vps: vps[4].id, fault: 'cpu_hog' },
        { atTick: 100, type: 'startFault', vps: vps[9].id, fault: 'net_flood' },
        { atTick: 200, type: 'startFault', vps: vps[10].id, fault: 'cache_thrash' },
      ],
    });
    let max = 0;
    let edges = 0;
    for (let i = 0; i < 400; i++) {
      const f = engine.step();
      edges = Math.max(edges, f.attribution.length);
      max = Math.max(max, wireSize(encodeFrameMessage('demo', [f])));
    }
    expect(edges).toBeGreaterThan(0);
    // 2 KB for the metrics the budget was set with, plus p95 and disk latency: two more int32s per VPS.
    expect(max).toBeLessThanOrEqual(2048 + 16 * 2 * 4);
  });
});
