import { describe, expect, it } from 'vitest';
import { readNewLab } from '../../server/net/newLab.js';

describe('a posted scenario that is not one', () => {
  it('is named "scenario" in the message as in the path, not "scenario.(root)"', () => {
    for (const scenario of [[], 'x', 5, null]) {
      const r = readNewLab({ scenario }, 16);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error.path).toBe('scenario');
      expect(r.error.message).toMatch(/^scenario: /);
      expect(r.error.message).not.toContain('(root)');
    }
  });

  it('a field inside it is named under scenario, in the message as in the path', () => {
    const r = readNewLab({ scenario: { name: 's', mode: 'para', vps: [{ id: 'a', vcpus: 0 }] } }, 16);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.path).toMatch(/^scenario\.vps\[0\]\./);
    expect(r.error.message.startsWith(`${r.error.path}: `)).toBe(true);
  });
});
