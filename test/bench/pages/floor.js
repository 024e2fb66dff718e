/* global Chart */
// The drawing floor: chart.js 4 as its performance docs advise (animation off, parsing off,
// decimation, update('none'), persistent arrays), no framework and no socket.
// Query: ?points=600&series=16&charts=4&hz=10
(() => {
  const q = new URLSearchParams(location.search);
  const POINTS = Number(q.get('points') ?? 600);
  const SERIES = Number(q.get('series') ?? 16);
  const CHARTS = Number(q.get('charts') ?? 4);
  const HZ = Number(q.get('hz') ?? 10);

  // Frames and long tasks are counted by the bench's probe script; this page reports its own ticks.
  const bench = { ticks: 0, firstPaintMs: null };
  window.__bench = bench;

  // Deterministic random walk (mulberry32).
  let s = 42 >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const palette = [
    '#4e79a7',
    '#f28e2b',
    '#e15759',
    '#76b7b2',
    '#59a14f',
    '#edc948',
    '#b07aa1',
    '#ff9da7',
    '#9c755f',
    '#bab0ac',
    '#1f77b4',
    '#ff7f0e',
    '#2ca02c',
    '#d62728',
    '#9467bd',
    '#8c564b',
  ];

  const grid = document.getElementById('grid');
  const charts = [];
  const level = [];
  // Our own references: with decimation on, chart.js swaps dataset.data for the decimated copy.
  const arrays = [];
  let tick = 0;
  for (let c = 0; c < CHARTS; c++) {
    const cell = document.createElement('div');
    cell.className = 'cell';
    const canvas = document.createElement('canvas');
    cell.appendChild(canvas);
    grid.appendChild(cell);
    const datasets = [];
    for (let i = 0; i < SERIES; i++) {
      const data = [];
      let v = 50 + 30 * rnd();
      // Start full, as a dashboard that received its history on connect.
      for (let k = -POINTS; k < 0; k++) {
        v = Math.max(0, Math.min(100, v + (rnd() - 0.5) * 4));
        data.push({ x: k, y: v });
      }
      level.push(v);
      arrays.push(data);
      datasets.push({
        label: `vps-${i + 1}`,
        data,
        borderColor: palette[i % palette.length],
        borderWidth: 1,
        pointRadius: 0,
        fill: false,
        tension: 0,
        spanGaps: true,
      });
    }
    charts.push(
      new Chart(canvas, {
        type: 'line',
        data: { datasets },
        options: {
          animation: false,
          parsing: false,
          normalized: true,
          responsive: true,
          maintainAspectRatio: false,
          interaction: { mode: 'nearest', intersect: false },
          plugins: {
            decimation: { enabled: true, algorithm: 'min-max' },
            legend: { display: true, position: 'right', labels: { boxWidth: 8, font: { size: 9 } } },
            tooltip: { enabled: false },
            title: { display: true, text: ['p99 latency', 'throughput', 'steal', 'health'][c % 4] },
          },
          scales: {
            x: { type: 'linear', ticks: { sampleSize: 8, maxRotation: 0 } },
            y: { type: 'linear', min: 0, max: 100, ticks: { sampleSize: 8 } },
          },
        },
      }),
    );
  }

  const step = () => {
    let n = 0;
    for (const chart of charts) {
      for (let i = 0; i < SERIES; i++, n++) {
        const v = (level[n] = Math.max(0, Math.min(100, level[n] + (rnd() - 0.5) * 4)));
        const data = arrays[n];
        data.push({ x: tick, y: v });
        if (data.length > POINTS) data.shift();
      }
      chart.update('none');
    }
    tick++;
    bench.ticks++;
  };
  requestAnimationFrame(() => {
    bench.firstPaintMs = performance.now();
  });
  setInterval(step, 1000 / HZ);
})();
