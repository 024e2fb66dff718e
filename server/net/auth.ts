/** Who may steer (the control token) and which browser origins may talk to the server at all. */
import { timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';

/** Whether `presented` grants control: always when no token is configured. */
export function canControl(config: Pick<Config, 'controlToken'>, presented: unknown): boolean {
  if (!config.controlToken) return true;
  if (typeof presented !== 'string' || presented.length > 1024) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(config.controlToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer …` header. */
export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/**
 * Whether a request with this Origin header may proceed: no Origin (not a browser), the server's
 * own origin (same Host), or one of the configured origins.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  config: Pick<Config, 'allowedOrigins'>,
): boolean {
  if (origin === undefined) return true;
  if (config.allowedOrigins.includes(origin)) return true;
  if (!host) return false;
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host === host;
  } catch {
    return false;
  }
}
