/**
 * A JSON answer made in pieces, sent as `res.json` sends a whole one: the same status, headers
 * (Content-Type, Content-Length, ETag; 304 when the client holds it already) and bytes, with a turn
 * of the event loop between pieces, and the making stopped when the client goes. A HEAD answer's
 * length and ETag are summed over the pieces as they are made, none of them kept.
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';

/** Express's ETag of an empty body. */
const EMPTY_TAG = '"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"';

const turn = () => new Promise<void>((go) => setImmediate(go));

/** Until `res` may take more (or the client is gone). */
function drained(res: Response): Promise<void> {
  return new Promise((go) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      go();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Send the JSON text `pieces` make, joined, as the body. Each piece is made in a turn of its own;
 * the body goes out once whole (its length and ETag lead it), written with back-pressure. A HEAD
 * request's pieces are hashed and counted, then dropped (unless the app's ETag is a function of
 * its own, which needs the whole body). When the client goes, the pieces are stopped (`return()`)
 * and nothing more is made or written.
 */
export async function sendPieces(
  req: Request,
  res: Response,
  pieces: Generator<string, void, undefined>,
  status = 200,
): Promise<void> {
  let gone = false;
  const onClose = () => (gone = true);
  res.once('close', onClose);
  try {
    const parts: Buffer[] = [];
    const hash = createHash('sha1');
    let bytes = 0;
    const keep = req.method !== 'HEAD' || tagNeedsBody(req);
    // (Leaving the loop early stops the pieces: their `finally` runs.)
    for (const text of pieces) {
      if (text && keep) {
        const part = Buffer.from(text, 'utf8');
        parts.push(part);
        hash.update(part);
        bytes += part.length;
      } else if (text) {
        hash.update(text, 'utf8');
        bytes += Buffer.byteLength(text, 'utf8');
      }
      await turn();
      if (gone || res.destroyed) return;
    }
    res.status(status);
    if (!res.get('Content-Type')) res.set('Content-Type', 'application/json; charset=utf-8');
    res.set('Content-Length', String(bytes));
    const tag = entityTag(req, parts, bytes, hash.digest('base64'));
    if (tag && !res.get('ETag')) res.set('ETag', tag);
    if (req.fresh) {
      res.status(304);
      res.removeHeader('Content-Type');
      res.removeHeader('Content-Length');
      return void res.end();
    }
    if (req.method === 'HEAD') return void res.end();
    for (const part of parts) {
      if (!res.write(part)) await drained(res);
      if (gone || res.destroyed) return;
    }
    res.end();
  } finally {
    res.off('close', onClose);
  }
}

type TagFn = (body: Buffer, encoding?: string) => string;

/** Whether the app's ETag is express's own (a SHA-1 of the body, made here from a running hash). */
function ownTag(req: Request): boolean {
  const setting = req.app.get('etag') as unknown;
  return setting === true || setting === 'weak' || setting === 'strong';
}

/** Whether the ETag is made from the whole body at once (an ETag function of the app's own). */
function tagNeedsBody(req: Request): boolean {
  return typeof req.app.get('etag fn') === 'function' && !ownTag(req);
}

/**
 * The ETag express would give the body (its `etag` setting), from the body's SHA-1 when it is its
 * own; `parts` (the whole body) are read only for an ETag function of the app's own.
 */
function entityTag(req: Request, parts: Buffer[], bytes: number, sha1: string): string | undefined {
  const fn = req.app.get('etag fn') as TagFn | undefined;
  if (typeof fn !== 'function') return undefined;
  const setting = req.app.get('etag') as unknown;
  if (!ownTag(req)) return fn(Buffer.concat(parts));
  const tag = bytes ? `"${bytes.toString(16)}-${sha1.slice(0, 27)}"` : EMPTY_TAG;
  return setting === 'strong' ? tag : `W/${tag}`;
}
