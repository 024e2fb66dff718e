/**
 * A broadcast's message can be lent: once every loan is released its binary data's memory is
 * written by a later broadcast, and never while a loan is open or when someone asked for the
 * message to keep. Every message holds its own tick's numbers whatever memory it was written in.
 */
import { describe, expect, it } from 'vitest';
import { Lab, type LabBroadcast } from '../../../server/lab/lab.js';
import { silentLogger } from '../../../server/log.js';
import { createEngine } from '../../../server/sim/index.js';
import type { Scenario } from '../../../shared/commands.js';
import type { Frame } from '../../../shared/model.js';
import { encodeFrameMessage, wireInts, type WireFrameMessage } from '../../../shared/wireFrame.js';

/** 100 VPSs: past the size whose numbers travel as binary. */
const sc: Scenario = {
  name: 'lent',
  seed: 5,
  tickMs: 100,
  mode: 'para',
  host: { cores: 32, ramGiB: 256, diskIops: 50_000, netMbps: 10_000, memBwGBs: 60 },
  vps: Array.from({ length: 100 }, (_, i) => ({
    id: `v${i}`,
    vcpus: 1 + (i % 3),
    ramGiB: 2,
    diskIops: 1000,
    netMbps: 100,
    profile: i % 2 ? 'bursty' : 'randomWalk',
    load: { cpu: 0.6, mem: 0.5, disk: 0.2, net: 0.2 },
  })),
};

function newLab() {
  const lab = new Lab({
    id: 'lent',
    scenario: sc,
    engines: [createEngine(sc)],
    now: 0,
    logger: silentLogger(),
    limits: { maxVps: 128, historyS: 900, historyBytes: 8 << 20, broadcastHz: 10 },
  });
  const expected = new Map<number, WireFrameMessage>();
  lab.onFrames((f: readonly Frame[]) => expected.set(f[0].tick, encodeFrameMessage('lent', f)));
  let now = 0;
  return { lab, expected, tick: () => lab.pump((now += 100)) };
}

/** Where a message's data lives: its buffer (a slab many messages share) and its place in it. */
const regions = new Map<ArrayBufferLike, number>();
const regionOf = (m: WireFrameMessage): string => {
  const d = m.data as Uint8Array;
  if (!regions.has(d.buffer)) regions.set(d.buffer, regions.size);
  return `${regions.get(d.buffer)}:${d.byteOffset}`;
};

function holds(m: WireFrameMessage, want: WireFrameMessage | undefined): boolean {
  const a = wireInts(m.data);
  const b = wireInts(want!.data);
  return a.length === b.length && Array.prototype.every.call(a, (x: number, i: number) => x === b[i]);
}

describe('lent broadcast messages', () => {
  it('write a released message memory again, and each holds its own tick', () => {
    const { lab, expected, tick } = newLab();
    const seen: WireFrameMessage[] = [];
    lab.onBroadcast((b) => {
      const loan = b.lend();
      expect(loan.message.data).toBeInstanceOf(Uint8Array);
      expect(holds(loan.message, expected.get(b.tick))).toBe(true);
      seen.push(loan.message);
      loan.release();
      loan.release();
    });
    for (let k = 0; k < 20; k++) tick();
    expect(seen).toHaveLength(20);
    // One region, written by every broadcast.
    expect(new Set(seen.map(regionOf)).size).toBe(1);
  });

  it('never writes a message that is still lent or was asked for to keep', () => {
    const { lab, expected, tick } = newLab();
    const open: { b: LabBroadcast; m: WireFrameMessage; release(): void }[] = [];
    const kept: { tick: number; m: WireFrameMessage }[] = [];
    lab.onBroadcast((b) => {
      const loan = b.lend();
      if (b.tick % 3 === 0) kept.push({ tick: b.tick, m: b.message() });
      if (b.tick % 5 === 0) open.push({ b, m: loan.message, release: loan.release });
      else loan.release();
    });
    for (let k = 0; k < 60; k++) tick();
    for (const { tick: t, m } of kept) expect(holds(m, expected.get(t)), `kept tick ${t}`).toBe(true);
    for (const { b, m } of open) expect(holds(m, expected.get(b.tick)), `open tick ${b.tick}`).toBe(true);
    // Released now, the last one open goes back: the next broadcast writes it.
    const last = open[open.length - 1];
    for (const o of open) o.release();
    expect(() => last.b.message()).toThrow(/later one/);
    let next: WireFrameMessage | undefined;
    lab.onBroadcast((b) => void (next = b.message()));
    tick();
    expect(regionOf(next!)).toBe(regionOf(last.m));
    expect(holds(next!, expected.get(next!.tick))).toBe(true);
  });

  it('gives the memory back only when the last of two loans is released', () => {
    const { lab, tick } = newLab();
    let first: { release(): void; m: WireFrameMessage } | undefined;
    let second: { release(): void } | undefined;
    const buffers: string[] = [];
    lab.onBroadcast((b) => {
      const a = b.lend();
      const c = b.lend();
      expect(c.message).toBe(a.message);
      buffers.push(regionOf(a.message));
      if (!first) {
        first = { release: a.release, m: a.message };
        second = c;
      } else {
        a.release();
        c.release();
      }
    });
    tick();
    first!.release();
    tick();
    // One loan still open: the second broadcast was written elsewhere.
    expect(buffers[1]).not.toBe(buffers[0]);
    second!.release();
    tick();
    tick();
    expect(buffers.slice(2)).toContain(buffers[0]);
  });
});
