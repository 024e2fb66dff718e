/**
 * A control that cannot act now (the page offline, watching only, the action not open to this lab,
 * a request under way) keeps the keyboard's focus: it says it is unavailable and refuses, where
 * `disabled` would let go of the focus (left on the page when the control comes back, as after
 * every lost link) and take the control out of the Tab order.
 *
 * `<button {@attach unavailable(!canControl)}>`: while `off` the control is aria-disabled (announced
 * as unavailable, drawn as disabled by app.css), and what would make it act is stopped before the
 * component's own handler hears it: a click (and so Enter and Space on a button, and a form's
 * submission by its button), a slider's or a menu's keys and presses, a value changed some other
 * way (put back). A text or number field is read-only. Tab, Escape and the browser's own shortcuts
 * go through.
 */
import type { Attachment } from 'svelte/attachments';

/** Keys that move a slider or change a closed menu's choice (a menu's letters too). */
const VALUE_KEYS = new Set([
  'ArrowUp',
  'ArrowDown',
  'ArrowLeft',
  'ArrowRight',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  ' ',
  'Enter',
]);

/** A field one types into (read-only while off), not a slider, box or button. */
function typedInto(node: HTMLElement): node is HTMLInputElement {
  return (
    node instanceof HTMLInputElement &&
    !['range', 'checkbox', 'radio', 'button', 'submit'].includes(node.type)
  );
}

/** A control whose value keys and presses change (a slider, a menu). */
function hasValue(node: HTMLElement): node is HTMLInputElement | HTMLSelectElement {
  return node instanceof HTMLSelectElement || (node instanceof HTMLInputElement && node.type === 'range');
}

/** Says whether the control can act now; see the module's comment. */
export function unavailable(off: boolean): Attachment<HTMLElement> {
  return (node) => {
    node.setAttribute('aria-disabled', String(off));
    if (!off) return;
    const wasReadOnly = typedInto(node) && node.readOnly;
    if (typedInto(node)) node.readOnly = true;
    /** The value it holds, put back should anything change it meanwhile. */
    let held = hasValue(node) ? node.value : null;
    const refuse = (e: Event): void => {
      e.preventDefault();
      e.stopImmediatePropagation();
    };
    const onKey = (e: KeyboardEvent): void => {
      if (!hasValue(node) || e.ctrlKey || e.metaKey) return;
      const letter = node instanceof HTMLSelectElement && e.key.length === 1;
      if (letter || VALUE_KEYS.has(e.key)) e.preventDefault();
    };
    // A press on a slider or a menu would drag it or open its list: it only takes the focus.
    const onPress = (e: Event): void => {
      if (!hasValue(node)) return;
      e.preventDefault();
      node.focus();
    };
    const onFocus = (): void => {
      if (hasValue(node)) held = node.value;
    };
    const onChange = (e: Event): void => {
      if (hasValue(node) && held !== null) node.value = held;
      e.stopImmediatePropagation();
    };
    const listeners: [string, (e: never) => void][] = [
      ['click', refuse],
      ['keydown', onKey],
      ['mousedown', onPress],
      ['focus', onFocus],
      ['input', onChange],
      ['change', onChange],
    ];
    for (const [type, fn] of listeners) node.addEventListener(type, fn as EventListener, true);
    return () => {
      for (const [type, fn] of listeners) node.removeEventListener(type, fn as EventListener, true);
      if (typedInto(node)) node.readOnly = wasReadOnly;
    };
  };
}
