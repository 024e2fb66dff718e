import { describe, expect, it } from 'vitest';
import { parseCommand, parseScenario } from '../../shared/commands.js';
import { findDuplicateKey } from '../../server/jsonKeys.js';
import { CreateLabSchema, HistoryQuerySchema } from '../../shared/inbound.js';
import { parseInput } from '../../shared/commands.js';

function failure(r: { ok: boolean; error?: { path: string; message: string } }) {
  expect(r.ok).toBe(false);
  return r.error!;
}

/**
 * An error names the field, in a few words: a body or message may hold a key of a megabyte, or
 * tens of thousands of unknown keys, and an answer quoting them whole would be larger than what
 * was sent (an unknown key of 900 KB answered 1.8 MB).
 */
describe('an input error stays short, whatever it names', () => {
  const long = 'k'.repeat(100_000);

  it('a long unknown key is named by its start, in the path and the message', () => {
    const e = failure(parseInput(CreateLabSchema, { [long]: 1 }));
    expect(e.path.length).toBeLessThan(100);
    expect(e.path.startsWith('kkkkkkkkkk')).toBe(true);
    expect(e.message.length).toBeLessThan(200);
    expect(e.message).toMatch(/unknown field/);
    const nested = failure(parseCommand({ type: 'setLoad', vps: 'a', load: { [long]: 1 } }));
    expect(nested.path.startsWith('load.kkkk')).toBe(true);
    expect(nested.path.length).toBeLessThan(100);
  });

  it('many unknown keys: the first few are named, and how many more', () => {
    const keys = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 1]));
    const e = failure(parseInput(HistoryQuerySchema, keys));
    expect(e.path).toBe('k0');
    expect(e.message).toMatch(/^k0: unknown fields k0, k1, k2, k3, k4 and 9995 more$/);
    const few = failure(parseScenario({ name: 's', mode: 'para', vps: [], host: { a: 1, b: 2 } }));
    expect(few.message).toBe('host.a: unknown fields a, b');
  });

  it('a long key given twice is named by its start', () => {
    const dup = findDuplicateKey(`{"a":{"${long}":1,"${long}":2}}`);
    expect(dup?.path.startsWith('a.kkkk')).toBe(true);
    expect(dup!.path.length).toBeLessThan(100);
  });
});
