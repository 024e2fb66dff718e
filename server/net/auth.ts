/**
 * Who may steer (the control token), which Host names the server answers to, and which browser
 * origins may talk to it at all.
 */
import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { ApiError } from '../../shared/protocol.js';
import type { Config } from '../config.js';

/** Whether `presented` grants control: always when no token is configured. */
export function canControl(config: Pick<Config, 'controlToken'>, presented: unknown): boolean {
  if (!config.controlToken) return true;
  if (typeof presented !== 'string' || presented.length > 1024) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(config.controlToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Why a change is refused to a client that may not steer: a client that gave a token is told that
 * token is not the one (not asked for a token it gave), one that gave none is asked for it (`how`).
 */
export function controlRefused(presented: unknown, how: string): ApiError {
  if (presented === undefined || presented === '')
    return { code: 'FORBIDDEN', message: `watch-only: steering needs the control token${how}` };
  return {
    code: 'FORBIDDEN',
    message: "watch-only: the token given is not this server's control token; nothing was changed",
    path: 'token',
  };
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

/** The name part of a Host header: `example.org:3000` → `example.org`, `[::1]:3000` → `::1`. */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colon = h.indexOf(':');
  return (colon >= 0 && h.indexOf(':', colon + 1) < 0 ? h.slice(0, colon) : h).replace(/\.$/, '');
}

/**
 * Whether a request's Host header names this server: an IP address (a page whose origin is an
 * address is this server's own origin), a loopback name, the configured HOST, the name in
 * ADVERTISE_URL (other processes of a cluster send their forwarded requests there), or one of
 * ALLOWED_HOSTS. Any other name is a page that made its own name resolve here (DNS rebinding).
 */
export function hostAllowed(
  host: string | undefined,
  config: Pick<Config, 'host' | 'allowedHosts' | 'advertiseUrl'>,
): boolean {
  if (!host || host.length > 300) return false;
  const name = hostName(host);
  if (isIP(name)) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === config.host.toLowerCase()) return true;
  if (config.advertiseUrl && name === hostName(new URL(config.advertiseUrl).host)) return true;
  return config.allowedHosts.some((h) => h.toLowerCase() === name);
}
