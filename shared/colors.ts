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
 * reused only once all are taken: then the colour at the count of ids held, modulo the palette).
 * Mutates and returns `colors`. Linear in the ids held and given: colours only ever get taken, so
 * the search for a free one resumes where the last stopped.
 */
export function assignColors(colors: Record<string, string>, ids: readonly string[]): Record<string, string> {
  const used = new Set(Object.values(colors));
  let held = Object.keys(colors).length;
  let free = 0;
  for (const id of ids) {
    if (Object.hasOwn(colors, id)) continue;
    while (free < PALETTE.length && used.has(PALETTE[free])) free++;
    const c = free < PALETTE.length ? PALETTE[free] : PALETTE[held % PALETTE.length];
    colors[id] = c;
    // An id the object cannot hold as its own key ("__proto__") takes nothing.
    if (!Object.hasOwn(colors, id)) continue;
    used.add(c);
    held++;
  }
  return colors;
}
