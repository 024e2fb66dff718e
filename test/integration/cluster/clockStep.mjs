/**
 * Preloaded into a server process (`--import`) by the clock-step test: the wall clock (`Date.now`)
 * jumps by CLOCK_STEP_MS (default one minute back) the first time it is read after the process was
 * stalled longer than CLOCK_STEP_AFTER_STALL_MS (default 2.5 s), as NTP may step a clock while a
 * machine was frozen. The monotonic clock (performance.now) runs on as it does.
 */
const realNow = Date.now.bind(Date);
const stall = Number(process.env.CLOCK_STEP_AFTER_STALL_MS ?? 2500);
const step = Number(process.env.CLOCK_STEP_MS ?? -60_000);
let offset = 0;
let last = performance.now();
// Read often enough that only a stall leaves a gap.
setInterval(() => Date.now(), 100).unref();
Date.now = () => {
  const now = performance.now();
  if (now - last > stall) {
    offset += step;
    process.stdout.write(`${JSON.stringify({ msg: 'wall clock stepped', offsetMs: offset })}\n`);
  }
  last = now;
  return realNow() + offset;
};
