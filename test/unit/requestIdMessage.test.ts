import { describe, expect, it } from 'vitest';
import { parseInput } from '../../shared/commands.js';
import { RequestIdSchema } from '../../shared/inbound.js';

describe('a request id refused', () => {
  it('one of allowed characters that does not start with a letter or digit is told why', () => {
    for (const id of ['__proto__', '-x', '.a', ':b']) {
      const r = parseInput(RequestIdSchema, id, 'requestId');
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/starting with a letter or digit/);
    }
    expect(parseInput(RequestIdSchema, 'a__proto__', 'requestId').ok).toBe(true);
  });
});
