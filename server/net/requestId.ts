/** The `Idempotency-Key` header a REST command or clock action carries: its request id, checked. */
import type { IncomingMessage } from 'node:http';
import { parseInput } from '../../shared/commands.js';
import { RequestIdSchema } from '../../shared/inbound.js';
import type { ApiError } from '../../shared/protocol.js';
import { apiError } from './errors.js';

/** The header naming a command's or clock action's request id (sent again, it is applied once). */
export const REQUEST_ID_HEADER = 'idempotency-key';

/**
 * The request id a request carries (undefined: none), or why it is refused. Given twice, it is
 * refused as such: Node joins the two values with ", ", which would read as one malformed id.
 */
export function readRequestId(
  req: IncomingMessage,
): { ok: true; id: string | undefined } | { ok: false; error: ApiError } {
  let given = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    if (req.rawHeaders[i].toLowerCase() === REQUEST_ID_HEADER) given++;
  if (given > 1)
    return {
      ok: false,
      error: apiError(
        'INVALID_INPUT',
        `Idempotency-Key: given ${given === 2 ? 'twice' : `${given} times`}; give one request id, once (nothing was applied)`,
        'Idempotency-Key',
      ),
    };
  const raw = req.headers[REQUEST_ID_HEADER];
  if (raw === undefined) return { ok: true, id: undefined };
  const id = parseInput(RequestIdSchema, raw, 'Idempotency-Key');
  return id.ok ? { ok: true, id: id.data } : id;
}
