/** Coalesces redraw requests: each callback runs at most once per animation frame. */
const pending = new Set<() => void>();
let scheduled = false;

function flush(): void {
  scheduled = false;
  const jobs = [...pending];
  pending.clear();
  for (const job of jobs) job();
}

export function schedule(job: () => void): void {
  pending.add(job);
  if (scheduled) return;
  scheduled = true;
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
  else setTimeout(flush, 16);
}

export function cancel(job: () => void): void {
  pending.delete(job);
}
