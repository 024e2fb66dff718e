/**
 * Which methods a path takes, read from the routers that serve it, so a request with another
 * method is answered 405 naming them (with `Allow`) rather than as a path that does not exist.
 */
import type { Request, Response, NextFunction, Router } from 'express';
import { apiError, sendError } from './errors.js';

/** What this reads of an Express router's layers. */
interface RouteLayer {
  route?: { methods: Record<string, boolean | undefined> };
  match(path: string): boolean;
}

/** The methods `routers` answer at `path` (HEAD with GET), in alphabetical order; none: no such path. */
export function methodsAt(routers: readonly Router[], path: string): string[] {
  const methods = new Set<string>();
  for (const router of routers)
    for (const layer of router.stack as unknown as RouteLayer[]) {
      if (!layer.route || !layer.match(path)) continue;
      for (const [m, on] of Object.entries(layer.route.methods))
        if (on && m !== '_all') methods.add(m.toUpperCase());
    }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

/**
 * Answer a request no route took: 405 `INVALID_INPUT` (path `method`) with `Allow` when its path
 * exists with other methods; otherwise on to `next` (the 404).
 */
export function wrongMethod(routers: readonly Router[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const allow = methodsAt(routers, req.path);
    if (!allow.length || allow.includes(req.method)) return next();
    res.setHeader('Allow', allow.join(', '));
    const where = `${req.baseUrl}${req.path}`.slice(0, 200);
    sendError(
      res,
      apiError(
        'INVALID_INPUT',
        `method: ${where} takes ${allow.join(', ')}, not ${req.method.slice(0, 20)}`,
        'method',
      ),
      405,
    );
  };
}
