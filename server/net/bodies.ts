/**
 * How the API reads a request body: JSON in UTF-8, at most MAX_BODY, no key given twice, and
 * within what one client address may make the server read. Reading, checking and refusing a body
 * near the limit costs tens of milliseconds of the one thread that also steps the labs, so a loop
 * of them from one address would slow every lab's frames; past its budget an address's bodies are
 * refused unread (429, naming the budget) until it refills. The budget runs on real time: it bounds
 * real work. Across every address, the bytes of bodies being read or handled at once are held to
 * `maxBodyBytesInFlight` (many addresses each within their budget would otherwise add up): past it
 * a body is refused unread, 503 naming the limit, until some of those in flight are answered.
 */
import express, { type Request, type RequestHandler } from 'express';
import { duplicateKeyMessage, findDuplicateKey } from '../jsonKeys.js';
import { apiError, sendError } from './errors.js';
import { KeyedBuckets } from './rate.js';

/** Largest REST body (a posted scenario can be big). */
export const MAX_BODY = '1mb';
const MAX_BODY_BYTES = 1024 * 1024;
/** Body bytes one address may send, per second sustained. */
export const BODY_BYTES_PER_S = 1024 * 1024;
/** Body bytes one address may send at once: four bodies at the limit. */
export const BODY_BYTES_BURST = 4 * MAX_BODY_BYTES;

const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0;

/**
 * The middleware of `/api`, in order: the budgets (the server's, then the address's), the charset,
 * the parser, the content type.
 */
export function bodyReaders(maxInFlight: number): RequestHandler[] {
  const budgets = new KeyedBuckets(BODY_BYTES_PER_S, BODY_BYTES_BURST);
  let inFlight = 0;

  const budget: RequestHandler = (req, res, next) => {
    if (!hasBody(req)) return next();
    const declared = Number(req.headers['content-length']);
    // A body declared past the limit is refused by the parser without reading it.
    if (declared > MAX_BODY_BYTES) return next();
    // A chunked body declares no length: it may be as long as the limit.
    const bytes = Number.isFinite(declared) && declared > 0 ? declared : MAX_BODY_BYTES;
    const chunked = declared > 0 ? '' : ' (chunked: counted at the limit)';
    // The body is not read: the connection is closed once answered.
    if (inFlight + bytes > maxInFlight) {
      res.setHeader('Retry-After', '1');
      res.setHeader('Connection', 'close');
      return sendError(
        res,
        apiError(
          'UNAVAILABLE',
          `request bodies being read across the server: at most ${maxInFlight} bytes at once ` +
            `(MAX_BODY_BYTES_IN_FLIGHT); ${inFlight} are, and this one is ${bytes} bytes${chunked}: ` +
            'send it again in a moment',
        ),
      );
    }
    if (budgets.take(req.ip ?? 'unknown', performance.now(), bytes)) {
      // Held until the answer is sent or the connection closes, whichever comes first.
      inFlight += bytes;
      res.once('close', () => (inFlight -= bytes));
      return next();
    }
    res.setHeader('Retry-After', String(Math.ceil(bytes / BODY_BYTES_PER_S)));
    res.setHeader('Connection', 'close');
    sendError(
      res,
      apiError(
        'RATE_LIMITED',
        `request bodies from one address: at most ${mib(BODY_BYTES_PER_S)} per second (bursts of ` +
          `${mib(BODY_BYTES_BURST)}); this one is ${bytes} bytes${chunked}`,
      ),
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
