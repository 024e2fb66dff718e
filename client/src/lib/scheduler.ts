/**
 * Coalesces redraw requests: each job runs at most once per animation frame, and one frame runs
 * jobs only until its budget is spent (the rest wait for the next frame), so no redraw burst
 * becomes a long task.
 */
const pending = new Set<() => void>();
let scheduled = false;
/** Milliseconds of jobs per animation frame before the rest are deferred. */
export const FRAME_BUDGET_MS = 6;

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function flush(): void {
  scheduled = false;
  const start = now();
  for (const job of pending) {
    pending.delete(job);
    job();
    if (now() - start > FRAME_BUDGET_MS) break;
  }
  if (pending.size) request();
}

function request(): void {
  if (scheduled) return;
  scheduled = true;
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
  else setTimeout(flush, 16);
}

export function schedule(job: () => void): void {
  pending.add(job);
  request();
}

export function cancel(job: () => void): void {
  pending.delete(job);
}

/**
 * Wrap a job so data-driven requests run it at most once per `minMs` (trailing; a function is
 * asked each time), while `now()` on the returned handle schedules it for the next frame
 * regardless (window change, resize).
 */
export function throttled(
  job: () => void,
  minMs: number | (() => number),
): { request(): void; now(): void; cancel(): void } {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = (): void => {
    last = now();
    job();
  };
  return {
    request() {
      if (timer) return;
      const wait = last + (typeof minMs === 'number' ? minMs : minMs()) - now();
      if (wait <= 0) schedule(run);
      else
        timer = setTimeout(() => {
          timer = null;
          schedule(run);
        }, wait);
    },
    now() {
      schedule(run);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      cancel(run);
    },
  };
}
