/**
 * What a screen reader hears about the VPS in focus: its explanation when the focus lands on it, and
 * again only when the words change (another culprit, another mechanism, suffering or not), never
 * for figures that move every tick.
 */

export interface Announced {
  /** The explanation with its figures blanked: equal keys say the same thing. */
  key: string;
  /** The words read out. */
  text: string;
}

export const SILENT: Announced = { key: '', text: '' };

/** Figures (×6, 62 %, 1.5 ms), not the digits of a name such as web-1. */
const FIGURES = /(?<![\w-])\d+(?:\.\d+)?/g;

/**
 * The announcement after `prev` for the focused VPS and its explanation (null: unaffected); `prev`
 * itself when nothing new is said, so a caller can skip the update.
 */
export function announce(prev: Announced, focus: string | null, explanation: string | null): Announced {
  if (!focus) return prev.key === '' ? prev : SILENT;
  const text = explanation ?? `${focus}: unaffected by its neighbours`;
  const key = `${focus}\u0000${text.replace(FIGURES, '#')}`;
  return key === prev.key ? prev : { key, text };
}
