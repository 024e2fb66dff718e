import { describe, expect, it } from 'vitest';
import { findDuplicateKey } from '../../server/jsonKeys.js';

describe('findDuplicateKey', () => {
  it.each([
    ['{"a":1,"a":2}', 'a', '"a"'],
    ['{"vps":[{"id":"x"},{"id":"y","load":{"cpu":1,"mem":2,"cpu":3}}]}', 'vps[1].load.cpu', '"cpu"'],
    // Escapes name the same key: JSON.parse would merge them too.
    ['{"name":"x","n\\u0061me":"y"}', 'name', '"n\\u0061me"'],
    ['[0, {"a": {"b": [1, 2, {"c": 1, "c": 1}]}}]', '[1].a.b[2].c', '"c"'],
  ])('names the second occurrence in %s', (text, path, key) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(findDuplicateKey(text)).toEqual({ path, offset: text.lastIndexOf(key) });
  });

  it.each([
    '{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}',
    // Keys inside string values, and punctuation in strings, are not keys.
    '{"a":"{\\"a\\":1,\\"a\\":2}","b":"x,y:z}]","c":"\\"a\\""}',
    '[]',
    '{}',
    '"a"',
    '{"a":-1.5e3,"b":true,"c":false,"d":null,"e":[]}',
  ])('finds none in %s', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(findDuplicateKey(text)).toBeUndefined();
  });

  it('reads any depth without recursion', () => {
    const deep = '['.repeat(100_000) + '{"k":1,"k":2}' + ']'.repeat(100_000);
    expect(findDuplicateKey(deep)?.path).toBe(`${'[0]'.repeat(100_000)}.k`);
  });
});
