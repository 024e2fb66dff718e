/**
 * VPS colours: the server gives each VPS one of these once (scenario order, then in order of
 * addition) and keeps it for the lab's life, so every browser draws a VPS in the same colour.
 */
export const PALETTE = [
  '#3b82f6',
  '#f59e0b',
  '#10b981',
  '#ef4444',
  '#8b5cf6',
  '#06b6d4',
  '#ec4899',
  '#84cc16',
  '#f97316',
  '#14b8a6',
  '#6366f1',
  '#eab308',
  '#a855f7',
  '#22c55e',
  '#0ea5e9',
  '#d946ef',
] as const;

/**
 * Give every id of `ids` not yet in `colors` the first palette colour nobody holds (a colour is
 * reused only once all are taken). Mutates and returns `colors`.
 */
export function assignColors(colors: Record<string, string>, ids: readonly string[]): Record<string, string> {
  for (const id of ids) {
    if (Object.hasOwn(colors, id)) continue;
    const used = new Set(Object.values(colors));
    const n = Object.keys(colors).length;
    colors[id] = PALETTE.find((p) => !used.has(p)) ?? PALETTE[n % PALETTE.length];
  }
  return colors;
}
