/** Coded API errors and the HTTP status each maps to. */
import type { Response } from 'express';
import type { ApiError, ErrorCode } from '../../shared/protocol.js';

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
};

export function apiError(code: ErrorCode, message: string, path?: string): ApiError {
  return path ? { code, message, path } : { code, message };
}

/** Answer `{ error: { code, message, path? } }` with the status of its code. */
export function sendError(res: Response, error: ApiError): void {
  res.status(HTTP_STATUS[error.code] ?? 500).json({ error });
}
