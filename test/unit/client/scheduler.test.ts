import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Scheduler = typeof import('../../../client/src/lib/scheduler.js');

describe('scheduler', () => {
  // A fresh module each test, under fake timers: its state (the frame it waits for) is its own, not
  // what another file of this worker left, whose fake timers may have dropped that frame.
  let schedule: Scheduler['schedule'];
  let throttled: Scheduler['throttled'];
  beforeEach(async () => {
    vi.useFakeTimers();
    vi.resetModules();
    ({ schedule, throttled } = await import('../../../client/src/lib/scheduler.js'));
  });
  afterEach(() => vi.useRealTimers());

  it('runs a job requested many times in one frame only once', () => {
    let runs = 0;
    const job = (): void => void runs++;
    schedule(job);
    schedule(job);
    schedule(job);
    vi.advanceTimersByTime(20);
    expect(runs).toBe(1);
  });

  it('spreads jobs that overrun the frame budget over later frames', () => {
    const order: string[] = [];
    let clock = 0;
    const spy = vi.spyOn(performance, 'now').mockImplementation(() => clock);
    const slow = (name: string) => (): void => {
      order.push(name);
      clock += 8; // each job takes longer than the frame budget
    };
    const a = slow('a');
    const b = slow('b');
    const c = slow('c');
    schedule(a);
    schedule(b);
    schedule(c);
    vi.advanceTimersByTime(16);
    expect(order).toEqual(['a']);
    vi.advanceTimersByTime(16);
    expect(order).toEqual(['a', 'b']);
    vi.advanceTimersByTime(16);
    expect(order).toEqual(['a', 'b', 'c']);
    spy.mockRestore();
  });

  it('throttles data-driven runs to the interval it is given, asking it each time', () => {
    let runs = 0;
    let interval = 200;
    const h = throttled(
      () => void runs++,
      () => interval,
    );
    h.request();
    vi.advanceTimersByTime(20);
    expect(runs).toBe(1);
    for (let i = 0; i < 10; i++) {
      h.request();
      vi.advanceTimersByTime(10);
    }
    expect(runs).toBe(1);
    vi.advanceTimersByTime(200);
    expect(runs).toBe(2);
    interval = 1000;
    h.request();
    vi.advanceTimersByTime(500);
    expect(runs).toBe(2);
    vi.advanceTimersByTime(600);
    expect(runs).toBe(3);
    // `now` does not wait for the interval.
    h.now();
    vi.advanceTimersByTime(20);
    expect(runs).toBe(4);
    h.cancel();
  });
});
