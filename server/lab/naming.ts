import { MAX_NAME, type ModeSpec } from '../../shared/commands.js';
import { modeLabel } from '../../shared/events.js';
import { fail, type ApiError } from '../../shared/protocol.js';

/**
 * `name` then `suffix`, within the {@link MAX_NAME} characters a scenario's name may have: `name` is
 * cut as far as needed (never through a character of two UTF-16 units), then the whole if `suffix`
 * alone is too long. A longer name would be refused where the lab's scenario is read again: its
 * saved meta at the next start, its recorded session by the runner.
 */
export function fitName(name: string, suffix = ''): string {
  const cut = (s: string, n: number): string => {
    if (s.length <= n) return s;
    const high = s.charCodeAt(n - 1);
    return s.slice(0, high >= 0xd800 && high <= 0xdbff ? n - 1 : n);
  };
  return cut(cut(name, Math.max(0, MAX_NAME - suffix.length)) + suffix, MAX_NAME);
}

/** The first of `name`, `name 2`, `name 3`, … that `taken` does not hold ("Demo lab", then "Demo lab 2"). */
export function freeName(name: string, taken: ReadonlySet<string>): string {
  const first = fitName(name);
  if (!taken.has(first)) return first;
  for (let n = 2; ; n++) {
    const next = fitName(name, ` ${n}`);
    if (!taken.has(next)) return next;
  }
}

/** The first of `base`, `base-2`, `base-3`, … (base cut to 32 characters, `lab` if empty) that is `free`. */
export function freeId(base: string, free: (id: string) => boolean): string {
  const stem = base.slice(0, 32) || 'lab';
  if (free(stem)) return stem;
  for (let n = 2; ; n++) if (free(`${stem}-${n}`)) return `${stem}-${n}`;
}

/** A compare lab forked from `name`: "Demo lab · Cgroups vs Nothing", before making it free. */
export function forkName(name: string, compare: readonly [ModeSpec, ModeSpec]): string {
  return fitName(name, ` · ${modeLabel(compare[0])} vs ${modeLabel(compare[1])}`);
}

/** The id base of a compare lab forked from lab `from` ("demo-vs-Nothing"), before making it free. */
export function forkIdBase(from: string, compare: readonly [ModeSpec, ModeSpec]): string {
  return `${from.slice(0, 24)}-vs-${modeLabel(compare[1]).replace(/[^A-Za-z0-9]+/g, '-')}`;
}

/** The first of `ids` equal to `id` ignoring case (lab ids are unique that way), if any. */
export function sameIgnoringCase(id: string, ids: Iterable<string>): string | undefined {
  const low = id.toLowerCase();
  for (const other of ids) if (other.toLowerCase() === low) return other;
  return undefined;
}

/**
 * The refusal of a new lab's id that one of `ids` holds in any case, else null: "Demo" and "demo"
 * would be one folder on a case-insensitive disk, and look alike in an address.
 */
export function idClash(id: string, ids: readonly string[]): { ok: false; error: ApiError } | null {
  const held = ids.includes(id) ? id : sameIgnoringCase(id, ids);
  if (held === undefined) return null;
  return held === id
    ? fail('CONFLICT', `a lab "${id}" already exists`, 'id')
    : fail('CONFLICT', `a lab "${held}" already exists (ids that differ only in case are one id)`, 'id');
}
