/**
 * What the page says of an answer that is not a success, from its error code (shared/protocol.ts,
 * docs/api.md): first whether the action applied and what the user can do, then the server's own
 * message for the particulars (the field, the tick, the limit). Never "refused" for what applied.
 */
import type { ApiError, ErrorCode } from '../../../shared/protocol.js';
import { RESEND_DELAYS_MS, type Resending } from './requests.js';

/** How the message is drawn: `bad` for a fault of the server, `warn` for everything else. */
export type Tone = 'warn' | 'bad';

export interface Said {
  tone: Tone;
  /** Whether it applied, and what to do: the words a user acts on. */
  lead: string;
  /** The server's message, as a sentence. */
  detail: string;
}

const LEADS: Record<ErrorCode, string> = {
  NOT_SAVED: 'Applied, but not saved yet.',
  RATE_LIMITED: 'Not applied: too many changes at once. Wait a second, then do it again.',
  RESTORING:
    'Not applied: the lab is being restored or is moving to another server. Do it again in a moment.',
  UNAVAILABLE: `Sent ${RESEND_DELAYS_MS.length + 1} times, and the lab could not be reached: not applied as far as the page can tell. Do it again in a moment.`,
  INVALID_INPUT: 'Not applied: a value was not accepted.',
  UNKNOWN_LAB: 'Not applied: this lab no longer exists.',
  UNKNOWN_VPS: 'Not applied: that VPS is not in this lab.',
  FORBIDDEN: 'Not applied: steering needs the control token.',
  LIMIT_EXCEEDED: 'Not applied: it would go past a limit of this server.',
  ADMISSION_REFUSED: 'Not applied: the host has no room for it.',
  CONFLICT: 'Not applied:',
  NOT_FOUND: 'Not found:',
  INTERNAL: 'Something went wrong on the server; not applied.',
};

/** What a system error code in a message means, for a user. */
const CAUSES: [RegExp, string][] = [
  [/\bENOSPC\b/, 'The server’s disk is full.'],
  [/\bEDQUOT\b/, 'The server’s disk quota is used up.'],
  [/\bEROFS\b/, 'The server’s disk is read-only.'],
];

function sentence(text: string): string {
  const t = text.trim();
  if (!t) return '';
  const s = t[0].toUpperCase() + t.slice(1);
  return /[.!?…]$/.test(s) ? s : `${s}.`;
}

/** The words for an error answer (an unknown code reads as the server's fault). */
export function sayError(e: ApiError): Said {
  const lead = LEADS[e.code] ?? LEADS.INTERNAL;
  const cause = CAUSES.find(([re]) => re.test(e.message))?.[1];
  const detail = [sentence(e.message), cause].filter(Boolean).join(' ');
  return { tone: e.code === 'INTERNAL' || !(e.code in LEADS) ? 'bad' : 'warn', lead, detail };
}

/** The words for an action being sent again by the page after an UNAVAILABLE answer. */
export function sayResending(r: Resending): Said {
  return {
    tone: 'warn',
    lead: `Not confirmed yet: sending it again (try ${r.attempt} of ${r.of})…`,
    detail: sentence(r.error.message),
  };
}
