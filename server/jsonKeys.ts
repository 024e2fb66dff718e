/**
 * Duplicate keys in JSON text. `JSON.parse` keeps the last of two equal keys without a word, so a
 * scenario or request that says `"vcpus": 4, …, "vcpus": 8` would run with 8 while its author
 * reads 4. One pass over text JSON.parse already accepted, without recursion (any depth).
 */
import { formatPath } from '../shared/commands.js';

export interface DuplicateKey {
  /** JSON path of the second occurrence (`vps[1].load.cpu`). */
  path: string;
  /** 0-based offset of its key in the text. */
  offset: number;
}

// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters in strings
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const SCALAR = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

interface Level {
  /** An object's keys so far (null: an array). */
  keys: Set<string> | null;
  /** The current key (object) or index (array). */
  at: string | number;
  /** An object waiting for a key (after `{` or `,`). */
  wantKey: boolean;
}

/** The first key that appears twice in one object of `text` (valid JSON), if any. */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  const stack: Level[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const top = stack.at(-1);
    if (ch === '{' || ch === '[') {
      stack.push({ keys: ch === '{' ? new Set() : null, at: 0, wantKey: ch === '{' });
      i++;
    } else if (ch === '}' || ch === ']') {
      stack.pop();
      i++;
    } else if (ch === ',') {
      if (top?.keys) top.wantKey = true;
      else if (top) top.at = (top.at as number) + 1;
      i++;
    } else if (ch === '"') {
      STRING.lastIndex = i;
      const token = STRING.exec(text)?.[0] ?? '""';
      if (top?.keys && top.wantKey) {
        const key = JSON.parse(token) as string;
        if (top.keys.has(key))
          return { path: formatPath([...stack.slice(0, -1).map((l) => l.at), key]), offset: i };
        top.keys.add(key);
        top.at = key;
        top.wantKey = false;
      }
      i += token.length;
    } else if (ch === '-' || (ch >= '0' && ch <= '9') || ch === 't' || ch === 'f' || ch === 'n') {
      SCALAR.lastIndex = i;
      i += SCALAR.exec(text)?.[0].length ?? 1;
    } else i++; // whitespace, ':'
  }
  return undefined;
}

/** What a duplicated key is told: where, and why it is not simply taken. */
export function duplicateKeyMessage(path: string, at?: { line: number; column: number }): string {
  const where = at ? ` (line ${at.line}, column ${at.column})` : '';
  return `${path}: duplicate key${where}: give it once (JSON would silently keep only the last)`;
}
