/**
 * Every error code reads as what happened: only NOT_SAVED says the action applied, nothing says
 * "refused" of it, the answers to ask again say to do it again, and the server's message follows
 * as a sentence.
 */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../shared/protocol.js';
import { sayError } from '../../../client/src/lib/errorWords.js';

describe('sayError', () => {
  it('gives every code words of its own', () => {
    const leads = new Set<string>();
    for (const code of Object.values(ERROR_CODES)) {
      const s = sayError({ code, message: 'the message' });
      expect(s.lead, code).toMatch(/\S/);
      expect(s.detail, code).toBe('The message.');
      leads.add(s.lead);
      if (code === 'NOT_SAVED') expect(s.lead).toMatch(/^Applied/);
      else expect(s.lead, code).not.toMatch(/^Applied/);
      expect(s.lead, code).not.toMatch(/refused/i);
    }
    expect(leads.size).toBe(Object.values(ERROR_CODES).length);
  });

  it('says to do it again for the answers that ask for that, and that the server failed for INTERNAL', () => {
    for (const code of ['RATE_LIMITED', 'RESTORING', 'UNAVAILABLE'] as const)
      expect(sayError({ code, message: 'x' }).lead, code).toMatch(/do it again/i);
    expect(sayError({ code: 'INTERNAL', message: 'x' }).tone).toBe('bad');
    expect(sayError({ code: 'NOT_SAVED', message: 'x' }).tone).toBe('warn');
  });

  it('names what a system error code means', () => {
    const s = sayError({ code: 'NOT_SAVED', message: 'could not be saved (ENOSPC); saved later' });
    expect(s.detail).toBe('Could not be saved (ENOSPC); saved later. The server’s disk is full.');
  });
});
