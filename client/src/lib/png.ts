/** Export every stability chart on the page as one PNG, titles included. */
export function exportChartsPng(root: ParentNode, fileName: string): boolean {
  const figures = [...root.querySelectorAll<HTMLElement>('figure.chart')];
  const items = figures
    .map((f) => ({ title: f.querySelector('figcaption')?.textContent?.replace(/\s+/g, ' ').trim() ?? '', canvas: f.querySelector('canvas') }))
    .filter((i): i is { title: string; canvas: HTMLCanvasElement } => !!i.canvas && i.canvas.width > 0);
  if (!items.length) return false;
  const cs = getComputedStyle(document.documentElement);
  const bg = cs.getPropertyValue('--panel').trim() || '#ffffff';
  const fg = cs.getPropertyValue('--text').trim() || '#111111';
  const cols = items.length > 4 ? 2 : Math.min(2, items.length);
  const w = Math.max(...items.map((i) => i.canvas.width));
  const h = Math.max(...items.map((i) => i.canvas.height));
  const head = 28 * (window.devicePixelRatio || 1);
  const rows = Math.ceil(items.length / cols);
  const out = document.createElement('canvas');
  out.width = cols * w;
  out.height = rows * (h + head);
  const ctx = out.getContext('2d');
  if (!ctx) return false;
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = fg;
  ctx.font = `${Math.round(head * 0.5)}px system-ui, sans-serif`;
  items.forEach((it, i) => {
    const x = (i % cols) * w;
    const y = Math.floor(i / cols) * (h + head);
    ctx.fillText(it.title, x + 12, y + head * 0.7);
    ctx.drawImage(it.canvas, x, y + head);
  });
  const a = document.createElement('a');
  a.href = out.toDataURL('image/png');
  a.download = fileName;
  a.click();
  return true;
}
