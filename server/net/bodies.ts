/**
 * How the API reads a request body: JSON in UTF-8, at most MAX_BODY, no key given twice, and
 * within what one client address may make the server read. Reading, checking and refusing a body
 * near the limit costs tens of milliseconds of the one thread that also steps the labs, so a loop
 * of them from one address would slow every lab's frames; past its budget an address's bodies are
 * refused unread (429, naming the budget) until it refills. The budget runs on real time: it bounds
 * real work. Across every address, the bytes of bodies being read or handled at once are held to
 * `maxBodyBytesInFlight` (many addresses each within their budget would otherwise add up): past it
 * a body is refused unread, 503 naming the limit, until some of those in flight are answered. One
 * address's bodies in flight are held to its burst, and a body must arrive whole within `readS`:
 * bodies sent slowly, or never finished, cannot keep that allowance from everyone else.
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { ApiError } from '../../shared/protocol.js';
import { duplicateKeyMessage, findDuplicateKey } from '../jsonKeys.js';
import { apiError, sendError } from './errors.js';
import { KeyedBuckets } from './rate.js';
import { limitKey } from './clientAddress.js';

/** Largest REST body (a posted scenario can be big). */
export const MAX_BODY = '1mb';
const MAX_BODY_BYTES = 1024 * 1024;
/** Body bytes one address may send, per second sustained. */
export const BODY_BYTES_PER_S = 1024 * 1024;
/** Body bytes one address may send at once: four bodies at the limit. */
export const BODY_BYTES_BURST = 4 * MAX_BODY_BYTES;

const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0;

/** What holds bodies in flight: across the server, and a body's time to arrive whole. */
export interface InFlightLimits {
  /** Bytes of bodies being read or handled at once, from every address. */
  maxBytes: number;
  /** Seconds a body may take to arrive whole once its headers are read. */
  readS: number;
}

/**
 * The middleware of `/api`, in order: the budgets (the server's, the address's bodies in flight,
 * the address's rate), the charset, the parser, the content type.
 */
export function bodyReaders(limits: InFlightLimits): RequestHandler[] {
  const budgets = new KeyedBuckets(BODY_BYTES_PER_S, BODY_BYTES_BURST);
  let inFlight = 0;
  const byAddress = new Map<string, number>();
  const refuse = (res: Response, error: ApiError, retryS: number): void => {
    res.setHeader('Retry-After', String(retryS));
    // The body is not read: the connection is closed once answered.
    res.setHeader('Connection', 'close');
    sendError(res, error);
  };

  const budget: RequestHandler = (req, res, next) => {
    if (!hasBody(req)) return next();
    const declared = Number(req.headers['content-length']);
    // A body declared past the limit is refused by the parser without reading it.
    if (declared > MAX_BODY_BYTES) return next();
    // A chunked body declares no length: it may be as long as the limit.
    const bytes = Number.isFinite(declared) && declared > 0 ? declared : MAX_BODY_BYTES;
    const chunked = declared > 0 ? '' : ' (chunked: counted at the limit)';
    const ip = limitKey(req.ip);
    const held = byAddress.get(ip) ?? 0;
    if (inFlight + bytes > limits.maxBytes)
      return refuse(
        res,
        apiError(
          'UNAVAILABLE',
          `request bodies being read across the server: at most ${limits.maxBytes} bytes at once ` +
            `(MAX_BODY_BYTES_IN_FLIGHT); ${inFlight} are, and this one is ${bytes} bytes${chunked}: ` +
            'send it again in a moment',
        ),
        1,
      );
    // One address cannot hold the server's whole allowance with bodies it sends slowly.
    if (held + bytes > BODY_BYTES_BURST)
      return refuse(
        res,
        apiError(
          'RATE_LIMITED',
          `request bodies from one address being read at once: at most ${mib(BODY_BYTES_BURST)}; ` +
            `${held} bytes are, and this one is ${bytes} bytes${chunked}`,
        ),
        1,
      );
    if (budgets.take(ip, performance.now(), bytes)) {
      // Held until the answer is sent or the connection closes, whichever comes first; a body
      // still arriving after `readS` is cut off (its connection closed), so a stalled one is not
      // held for the HTTP server's own timeout (5 minutes).
      inFlight += bytes;
      byAddress.set(ip, held + bytes);
      const late = setTimeout(() => {
        if (req.complete || res.headersSent) return;
        res.setHeader('Connection', 'close');
        sendError(
          res,
          apiError(
            'INVALID_INPUT',
            `the request body did not arrive whole within ${limits.readS} s (BODY_READ_S): send it again`,
            '(root)',
          ),
          408,
        );
      }, limits.readS * 1000);
      res.once('close', () => {
        clearTimeout(late);
        inFlight -= bytes;
        const left = (byAddress.get(ip) ?? bytes) - bytes;
        if (left > 0) byAddress.set(ip, left);
        else byAddress.delete(ip);
      });
      return next();
    }
    refuse(
      res,
      apiError(
        'RATE_LIMITED',
        `request bodies from one address: at most ${mib(BODY_BYTES_PER_S)} per second (bursts of ` +
          `${mib(BODY_BYTES_BURST)}); this one is ${bytes} bytes${chunked}`,
      ),
      Math.ceil(bytes / BODY_BYTES_PER_S),
    );
  };

  // JSON is UTF-8 (RFC 8259); a body labelled otherwise would be decoded into something else.
  const charset: RequestHandler = (req, res, next) => {
    if (!req.is('application/json')) return next();
    const m = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(String(req.headers['content-type'] ?? ''));
    if (!m || /^utf-8$/i.test(m[1])) return next();
    sendError(
      res,
      apiError(
        'INVALID_INPUT',
        `charset: the body must be JSON in UTF-8, labelled charset=utf-8 or not at all (got charset=${m[1].slice(0, 40)})`,
        'charset',
      ),
      415,
    );
  };

  const parse = express.json({
    limit: MAX_BODY,
    // JSON.parse would keep the last of two equal keys without a word: refused, naming it.
    verify: (_req, _res, buf) => {
      const dup = findDuplicateKey(buf.toString('utf8'));
      if (dup)
        throw Object.assign(new Error(duplicateKeyMessage(dup.path)), {
          type: 'duplicate.key',
          path: dup.path,
        });
    },
  });

  // A body in another format would otherwise read as no body at all ("expected object, received undefined").
  const contentType: RequestHandler = (req, res, next) => {
    if (!hasBody(req) || req.is('application/json')) return next();
    const sent = String(req.headers['content-type'] ?? 'no Content-Type').slice(0, 60);
    sendError(
      res,
      apiError(
        'INVALID_INPUT',
        `the body must be JSON sent with Content-Type: application/json (got ${sent})`,
        '(root)',
      ),
      415,
    );
  };

  return [budget, charset, parse, contentType];
}

const mib = (bytes: number): string => `${bytes / (1024 * 1024)} MiB`;
