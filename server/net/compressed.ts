/**
 * Built dashboard files sent compressed (brotli, else gzip) to browsers that accept it. Each file
 * is compressed once, off the event loop, and kept in memory while unchanged (the built assets
 * are a few hundred KiB in all); anything else falls through to the plain static handler.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};
/** Smaller files are not worth a compression round. */
const MIN_BYTES = 1024;
/** Most files held compressed (the build has a few dozen). */
const MAX_ENTRIES = 200;

type Encoding = 'br' | 'gzip';
interface Entry {
  mtimeMs: number;
  size: number;
  body: Promise<Buffer>;
}

/** Which encoding to answer with, from the request's Accept-Encoding (br first). */
export function pickEncoding(accept: string | undefined): Encoding | null {
  if (!accept) return null;
  const offered = new Map<string, number>();
  for (const part of accept.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    offered.set(name, q ? Number(q[1]) : 1);
  }
  if ((offered.get('br') ?? 0) > 0) return 'br';
  if ((offered.get('gzip') ?? 0) > 0) return 'gzip';
  return null;
}

/** Middleware for the files under `root`: compressed when the browser accepts it. */
export function compressedFiles(root: string, headers: (res: Response) => void) {
  const cache = new Map<string, Entry>();
  const base = path.resolve(root);
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const type = TYPES[path.extname(req.path)];
    const encoding = pickEncoding(req.headers['accept-encoding']);
    if (!type || !encoding) return next();
    const file = path.resolve(base, '.' + decodeURIComponent(req.path));
    if (!file.startsWith(base + path.sep)) return next();
    try {
      const st = await stat(file);
      if (!st.isFile() || st.size < MIN_BYTES) return next();
      const key = `${encoding}:${file}`;
      let entry = cache.get(key);
      if (!entry || entry.mtimeMs !== st.mtimeMs || entry.size !== st.size) {
        if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
        const body = readFile(file).then((raw) =>
          encoding === 'br'
            ? brotli(raw, {
                params: {
                  [zlib.constants.BROTLI_PARAM_QUALITY]: 9,
                  [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
                },
              })
            : gzip(raw, { level: 9 }),
        );
        entry = { mtimeMs: st.mtimeMs, size: st.size, body };
        cache.set(key, entry);
        body.catch(() => cache.delete(key));
      }
      const out = await entry.body;
      headers(res);
      res.setHeader('Content-Type', type);
      res.setHeader('Content-Encoding', encoding);
      res.setHeader('Vary', 'Accept-Encoding');
      res.setHeader('Content-Length', String(out.length));
      if (req.method === 'HEAD') return void res.end();
      res.end(out);
    } catch {
      next();
    }
  };
}
