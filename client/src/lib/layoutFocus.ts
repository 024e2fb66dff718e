/**
 * Keeping the focus across a switch of layout that rebuilds controls (the header's phone and
 * desktop rows): the control that had it hands it to its counterpart, found by the name the user
 * knows it by.
 */

/** A control as the user knows it: its accessible name, the same in every layout. */
export function controlName(e: Element): string | null {
  return e.getAttribute('aria-label') ?? e.textContent?.trim() ?? null;
}

/** The name of the focused control if it lies inside `root`, else null. */
export function focusedIn(root: HTMLElement | null): string | null {
  const had = document.activeElement;
  return had && root?.contains(had) ? controlName(had) : null;
}

/**
 * After the switch: unless something else took the focus meanwhile, focuses the control named
 * `name` inside `root`, calling `reveal` first when it sits in a closed menu (a `[hidden]` panel).
 */
export async function refocus(
  root: HTMLElement | null,
  name: string,
  reveal: () => Promise<void>,
): Promise<void> {
  if (document.activeElement && document.activeElement !== document.body) return;
  const controls = root?.querySelectorAll<HTMLElement>('button, a[href], select, input') ?? [];
  const twin = Array.from(controls).find((e) => controlName(e) === name);
  if (!twin) return;
  if (twin.closest('[hidden]')) await reveal();
  twin.focus({ preventScroll: true });
}
