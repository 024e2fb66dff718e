/**
 * Export the stability charts on the page as one PNG that stands on its own: a title line (lab,
 * mode, simulated time), each chart with its caption, and the VPS colour legend.
 */
export interface PngInfo {
  title: string;
  /** Lab name, modes, simulated time: the second line. */
  subtitle: string;
  legend: readonly { id: string; color: string }[];
}

export function exportChartsPng(root: ParentNode, fileName: string, info: PngInfo): boolean {
  const out = renderChartsPng(root, info);
  if (!out) return false;
  const a = document.createElement('a');
  a.href = out.toDataURL('image/png');
  a.download = fileName;
  a.click();
  return true;
}

/** The picture itself (null when no chart is on the page). */
export function renderChartsPng(root: ParentNode, info: PngInfo): HTMLCanvasElement | null {
  const figures = [...root.querySelectorAll<HTMLElement>('figure.chart')];
  const items = figures
    .map((f) => ({
      title: f.querySelector('figcaption')?.textContent?.replace(/\s+/g, ' ').trim() ?? '',
      canvas: f.querySelector('canvas'),
    }))
    .filter((i): i is { title: string; canvas: HTMLCanvasElement } => !!i.canvas && i.canvas.width > 0);
  if (!items.length) return null;
  const cs = getComputedStyle(document.documentElement);
  const bg = cs.getPropertyValue('--panel').trim() || '#ffffff';
  const fg = cs.getPropertyValue('--text').trim() || '#111111';
  const muted = cs.getPropertyValue('--muted').trim() || '#6b7280';
  const dpr = window.devicePixelRatio || 1;
  const cols = Math.min(2, items.length);
  const w = Math.max(...items.map((i) => i.canvas.width));
  const h = Math.max(...items.map((i) => i.canvas.height));
  const cap = 28 * dpr;
  const top = 62 * dpr;
  const legendH = 30 * dpr;
  const rows = Math.ceil(items.length / cols);
  const out = document.createElement('canvas');
  out.width = Math.max(cols * w, 480 * dpr);
  out.height = top + rows * (h + cap) + legendH;
  const ctx = out.getContext('2d');
  if (!ctx) return null;
  const font = (px: number, weight = 400): string => `${weight} ${Math.round(px * dpr)}px system-ui, sans-serif`;
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = fg;
  ctx.font = font(18, 650);
  ctx.fillText(info.title, 12 * dpr, 26 * dpr);
  ctx.fillStyle = muted;
  ctx.font = font(13);
  ctx.fillText(info.subtitle, 12 * dpr, 48 * dpr);
  ctx.fillStyle = fg;
  ctx.font = font(13, 600);
  items.forEach((it, i) => {
    const x = (i % cols) * w;
    const y = top + Math.floor(i / cols) * (h + cap);
    ctx.fillText(it.title, x + 12 * dpr, y + cap * 0.7);
    ctx.drawImage(it.canvas, x, y + cap);
  });
  // The legend: one swatch and name per VPS, wrapping is not needed for the 16 a lab may hold at 2 columns.
  let x = 12 * dpr;
  const y = out.height - legendH / 2;
  ctx.font = font(12);
  ctx.textBaseline = 'middle';
  for (const { id, color } of info.legend) {
    ctx.fillStyle = color;
    ctx.fillRect(x, y - 5 * dpr, 10 * dpr, 10 * dpr);
    ctx.fillStyle = fg;
    ctx.fillText(id, x + 14 * dpr, y);
    x += ctx.measureText(id).width + 30 * dpr;
    if (x > out.width - 60 * dpr) break;
  }
  return out;
}
