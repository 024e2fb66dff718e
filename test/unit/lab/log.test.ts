/** A lab's recent log: bounded, oldest first, every entry handed to listeners in order (held ones after release). */
import { describe, expect, it } from 'vitest';
import type { LabEvent } from '../../../shared/protocol.js';
import { EVENT_LOG, LabLog } from '../../../server/lab/log.js';

const entry = (tick: number): LabEvent => ({ tick, kind: 'info', by: 'engine', message: `entry ${tick}` });

describe('LabLog', () => {
  it('keeps the newest EVENT_LOG entries, oldest first, however many were recorded', () => {
    const log = new LabLog();
    const heard: number[] = [];
    log.listen((e) => void heard.push(e.tick));
    for (let total = 1; total <= 5 * EVENT_LOG + 7; total++) {
      log.record(entry(total - 1));
      const recent = log.recent();
      const kept = Math.min(total, EVENT_LOG);
      expect(recent.length).toBe(kept);
      expect(recent[0].tick).toBe(total - kept);
      expect(recent[kept - 1].tick).toBe(total - 1);
    }
    expect(heard).toEqual(Array.from({ length: 5 * EVENT_LOG + 7 }, (_, i) => i));
  });

  it('a restored log keeps its newest EVENT_LOG entries; what it gives is a copy', () => {
    const log = new LabLog(Array.from({ length: EVENT_LOG + 30 }, (_, i) => entry(i)));
    const recent = log.recent();
    expect(recent.map((e) => e.tick)).toEqual(Array.from({ length: EVENT_LOG }, (_, i) => i + 30));
    recent.length = 0;
    expect(log.recent().length).toBe(EVENT_LOG);
    log.replace([entry(900)]);
    log.record(entry(901));
    expect(log.recent().map((e) => e.tick)).toEqual([900, 901]);
  });

  it('holds entries while a pump runs and hands them on in order at release', () => {
    const log = new LabLog();
    const heard: number[] = [];
    log.listen((e) => void heard.push(e.tick));
    log.hold();
    log.record(entry(1));
    log.record(entry(2));
    expect(heard).toEqual([]);
    log.release();
    log.record(entry(3));
    expect(heard).toEqual([1, 2, 3]);
  });
});
