/**
 * Where a focus on a VPS goes when that VPS leaves the lab (removed here or from another browser):
 * the charts' focus and the keyboard's.
 */

/**
 * The charts' focus after the lab's VPSs went from `before` to `after`: a focused VPS that left
 * takes the focus with it (the charts show every VPS again, and nothing names it as focused). A VPS
 * focused from the legend while only its past is drawn keeps the focus.
 */
export function focusAfter(
  focus: string | null,
  before: readonly string[],
  after: readonly string[],
): string | null {
  if (focus === null) return null;
  return before.includes(focus) && !after.includes(focus) ? null : focus;
}

/**
 * The VPS whose card takes the keyboard's focus from the card of `gone`, removed: the card that
 * takes its place in the list (the next one), else the one before it; null when no card is left.
 */
export function cardHeir(gone: string, before: readonly string[], after: readonly string[]): string | null {
  if (!after.length) return null;
  const at = before.indexOf(gone);
  // The VPSs after it, then those before it nearest first, that are still in the lab.
  const order = [...before.slice(at + 1), ...before.slice(0, Math.max(at, 0)).reverse()];
  return order.find((id) => after.includes(id)) ?? after[Math.min(Math.max(at, 0), after.length - 1)];
}
