/** Answers over HTTP in the one shape (shared/protocol.ts `Ack`), with the status of their code. */
import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { parseInput, type Result } from '../../shared/commands.js';
import { NoQuerySchema } from '../../shared/inbound.js';
import type { Ack, ApiError, ErrorCode } from '../../shared/protocol.js';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNKNOWN_LAB: 404,
  UNKNOWN_VPS: 404,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  LIMIT_EXCEEDED: 409,
  ADMISSION_REFUSED: 409,
  CONFLICT: 409,
  INTERNAL: 500,
  NOT_FOUND: 404,
  RESTORING: 503,
  UNAVAILABLE: 503,
  /** Insufficient Storage: it applied, its record could not be stored. */
  NOT_SAVED: 507,
};

export function apiError(code: ErrorCode, message: string, path?: string): ApiError {
  return path ? { code, message, path } : { code, message };
}

/** Answer `{ ok: false, error: { code, message, path? } }` with the status of its code (or `status`). */
export function sendError(res: Response, error: ApiError, status = HTTP_STATUS[error.code] ?? 500): void {
  res.status(status).json({ ok: false, error });
}

/** Answer `{ ok: true, data }` (status 200 unless given). */
export function sendData(res: Response, data: unknown, status = 200): void {
  res.status(status).json({ ok: true, data });
}

/** Answer a result as it stands: its data, or its error with the status of its code. */
export function sendAck(res: Response, ack: Ack, status = 200): void {
  if (ack.ok) sendData(res, ack.data, status);
  else sendError(res, ack.error);
}

/**
 * A query string's parameters parsed with `schema`, as parseInput parses a body, except that a
 * parameter the route reads given more than once (`?points=1&points=2`, which arrives as a list)
 * is refused saying so rather than as a list where text was expected.
 */
export function parseQuery<T>(schema: z.ZodType<T>, query: unknown): Result<T> {
  const q = parseInput(schema, query);
  if (q.ok || !q.error.path) return q;
  const key = q.error.path;
  const given = query !== null && typeof query === 'object' && Object.hasOwn(query, key);
  const shape = (schema as { shape?: object }).shape;
  const reads = shape !== undefined && Object.hasOwn(shape, key);
  if (!given || !reads || !Array.isArray((query as Record<string, unknown>)[key])) return q;
  const message = `${key}: given more than once (give each query parameter once)`;
  return { ok: false, error: { code: 'INVALID_INPUT', message, path: key } };
}

/** A route that reads no query parameter: one sent is refused, named (`x: unknown field`), not ignored. */
export function noQuery(req: Request, res: Response, next: NextFunction): void {
  const q = parseQuery(NoQuerySchema, req.query);
  if (q.ok) return next();
  // The page's link carries the token as ?token=; a request carries it in a header instead.
  if (q.error.path === 'token')
    return sendError(
      res,
      apiError(
        'INVALID_INPUT',
        'token: send the control token as an Authorization: Bearer header, not in the address; nothing was changed',
        'token',
      ),
    );
  sendError(res, q.error);
}
