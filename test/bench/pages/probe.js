// Injected before any page script: counts animation frames and collects long tasks.
(() => {
  const perf = { frames: 0, longTasks: [] };
  Object.defineProperty(window, '__perf', { value: perf });
  const count = () => {
    perf.frames++;
    requestAnimationFrame(count);
  };
  requestAnimationFrame(count);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) perf.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    /* no long-task timing in this browser */
  }
})();
