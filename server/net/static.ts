/** The built dashboard (dist/client), with index.html for any other page path; a hint when not built. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { compressedFiles } from './compressed.js';

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Contention Lab</title>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Contention Lab</h1><p>The dashboard is not built yet: run <code>npm run build</code> (or <code>npm start</code>).</p>
<p>The API is up: <a href="/api/labs">/api/labs</a>, <a href="/api/presets">/api/presets</a>, <a href="/healthz">/healthz</a>.</p></body>`;

export function serveDashboard(dir: string): Router {
  const r = Router();
  const index = path.join(dir, 'index.html');
  let checked = -Infinity;
  let built = false;
  const isBuilt = () => {
    const now = performance.now();
    if (now - checked > 5000) {
      built = existsSync(index);
      checked = now;
    }
    return built;
  };
  // Hashed names: cached for a year, sent compressed where the browser accepts it.
  r.use(
    '/assets',
    compressedFiles(path.join(dir, 'assets'), (res) =>
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable'),
    ),
  );
  r.use(
    '/assets',
    express.static(path.join(dir, 'assets'), {
      immutable: true,
      maxAge: '1y',
      index: false,
      fallthrough: false,
    }),
  );
  r.use(express.static(dir, { index: false }));
  r.get('/{*page}', (req, res, next) => {
    if (req.path.startsWith('/api/') || req.path.startsWith('/socket.io')) return next();
    if (!req.accepts('html')) return next();
    if (!isBuilt()) return void res.status(200).type('html').send(NOT_BUILT);
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return r;
}
