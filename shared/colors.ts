/**
 * VPS colours: the server gives each VPS one of these once (scenario order, then in order of
 * addition) and keeps it while the VPS stays, and for the 64 VPSs removed last
 * (server/lab/colorBook.ts), so every browser draws a VPS in the same colour.
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
