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

/** Width of a text in the canvas's current font. */
export type Measure = (text: string) => number;

/**
 * A chart's caption from the parts of its figcaption (title, unit, hint or line keys), each part
 * apart from the next: "Dom0 CPU · % · Dom0, all cores", not "Dom0 CPU%Dom0all cores".
 */
export function captionOf(parts: readonly (string | readonly string[])[]): string {
  return parts
    .map((p) =>
      typeof p === 'string'
        ? p
        : p
            .map((k) => k.trim())
            .filter(Boolean)
            .join(', '),
    )
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join(' · ');
}

/** `text` cut with an ellipsis to fit `max` (whole when it fits). */
export function fitText(text: string, max: number, measure: Measure): string {
  if (measure(text) <= max) return text;
  let lo = 0;
  let hi = text.length;
  // The longest prefix whose text plus the ellipsis fits.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${text.slice(0, mid).trimEnd()}…`) <= max) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : `${text.slice(0, lo).trimEnd()}…`;
}

/** The legend's entries in rows that fit `width`: every VPS appears, however many there are. */
export function legendRows<T extends { id: string }>(
  entries: readonly T[],
  width: number,
  measure: Measure,
  swatch: number,
  gap: number,
): T[][] {
  const rows: T[][] = [];
  let row: T[] = [];
  let x = 0;
  for (const e of entries) {
    const w = swatch + measure(e.id);
    if (row.length && x + w > width) {
      rows.push(row);
      row = [];
      x = 0;
    }
    row.push(e);
    x += w + gap;
  }
  if (row.length) rows.push(row);
  return rows;
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

/** The caption parts of one chart figure, as the page shows them. */
function figureParts(f: HTMLElement): (string | string[])[] {
  // The caption's parts sit in its one row box.
  const cap = f.querySelector('figcaption .cap') ?? f.querySelector('figcaption');
  if (!cap) return [];
  return Array.from(cap.children).map((c) =>
    c.children.length && c.querySelector('.key')
      ? Array.from(c.querySelectorAll('.key')).map((k) => k.textContent ?? '')
      : (c.textContent ?? ''),
  );
}

/** The picture itself (null when no chart is on the page). */
export function renderChartsPng(root: ParentNode, info: PngInfo): HTMLCanvasElement | null {
  const figures = Array.from(root.querySelectorAll<HTMLElement>('figure.chart'));
  const items = figures
    .map((f) => ({ title: captionOf(figureParts(f)), canvas: f.querySelector('canvas') }))
    .filter((i): i is { title: string; canvas: HTMLCanvasElement } => !!i.canvas && i.canvas.width > 0);
  if (!items.length) return null;
  const cs = getComputedStyle(document.documentElement);
  const bg = cs.getPropertyValue('--panel').trim() || '#ffffff';
  const fg = cs.getPropertyValue('--text').trim() || '#111111';
  const muted = cs.getPropertyValue('--muted').trim() || '#6b7280';
  const dpr = window.devicePixelRatio || 1;
  const font = (px: number, weight = 400): string =>
    `${weight} ${Math.round(px * dpr)}px system-ui, sans-serif`;
  const probe = document.createElement('canvas').getContext('2d');
  if (!probe) return null;
  const measureIn =
    (f: string): Measure =>
    (t) => {
      probe.font = f;
      return probe.measureText(t).width;
    };
  const pad = 12 * dpr;
  const cols = Math.min(2, items.length);
  const w = Math.max(...items.map((i) => i.canvas.width));
  const h = Math.max(...items.map((i) => i.canvas.height));
  // Wide enough for the title lines as well as the charts.
  const width = Math.ceil(
    Math.max(
      cols * w,
      480 * dpr,
      measureIn(font(18, 650))(info.title) + 2 * pad,
      measureIn(font(13))(info.subtitle) + 2 * pad,
    ),
  );
  const legendFont = font(12);
  const swatch = 14 * dpr;
  const rows = legendRows(info.legend, width - 2 * pad, measureIn(legendFont), swatch, 16 * dpr);
  const lineH = 20 * dpr;
  const cap = 28 * dpr;
  const top = 62 * dpr;
  const legendH = rows.length * lineH + 10 * dpr;
  const chartRows = Math.ceil(items.length / cols);
  const out = document.createElement('canvas');
  out.width = width;
  out.height = top + chartRows * (h + cap) + legendH;
  const ctx = out.getContext('2d');
  if (!ctx) return null;
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = fg;
  ctx.font = font(18, 650);
  ctx.fillText(info.title, pad, 26 * dpr);
  ctx.fillStyle = muted;
  ctx.font = font(13);
  ctx.fillText(info.subtitle, pad, 48 * dpr);
  ctx.fillStyle = fg;
  const capFont = font(13, 600);
  ctx.font = capFont;
  items.forEach((it, i) => {
    const x = (i % cols) * w;
    const y = top + Math.floor(i / cols) * (h + cap);
    ctx.fillText(fitText(it.title, w - 2 * pad, measureIn(capFont)), x + pad, y + cap * 0.7);
    ctx.drawImage(it.canvas, x, y + cap);
  });
  ctx.font = legendFont;
  ctx.textBaseline = 'middle';
  rows.forEach((row, r) => {
    let x = pad;
    const y = top + chartRows * (h + cap) + 5 * dpr + r * lineH + lineH / 2;
    for (const { id, color } of row) {
      ctx.fillStyle = color;
      ctx.fillRect(x, y - 5 * dpr, 10 * dpr, 10 * dpr);
      ctx.fillStyle = fg;
      ctx.fillText(id, x + swatch, y);
      x += swatch + ctx.measureText(id).width + 16 * dpr;
    }
  });
  return out;
}
