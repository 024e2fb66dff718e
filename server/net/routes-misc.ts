/** REST beyond labs: presets, the validation scorecard (computed once, on first ask), health. */
import { Router } from 'express';
import type { Logger } from 'pino';
import { listPresets } from '../scenario.js';
import type { Registry } from '../lab/registry.js';
import { apiError, sendError } from './errors.js';

export interface MiscRoutesDeps {
  registry: Registry;
  logger: Logger;
  /** Computes the scorecard table; defaults to the scorecard module. */
  scorecard?: () => Promise<unknown>;
}

const SCORECARD_MODULE = ['..', 'scorecard', 'index.js'].join('/');

/** Find the scorecard module's function that returns the validation table. */
async function defaultScorecard(): Promise<unknown> {
  const mod = (await import(SCORECARD_MODULE)) as Record<string, unknown>;
  const names = ['computeScorecard', 'scorecard', 'buildScorecard', 'runScorecard'];
  const fn = names.map((n) => mod[n]).find((f) => typeof f === 'function') as (() => unknown) | undefined;
  if (!fn) throw new Error('the scorecard module exports no scorecard function');
  return await fn();
}

export function miscRoutes({ registry, logger, scorecard = defaultScorecard }: MiscRoutesDeps): Router {
  const r = Router();
  let card: Promise<unknown> | null = null;

  // Presets are files shipped with the server: read them at most every few seconds.
  let presets: { at: number; list: Promise<unknown> } | null = null;
  r.get('/presets', async (_req, res) => {
    if (!presets || Date.now() - presets.at > 5000) presets = { at: Date.now(), list: listPresets() };
    res.json(await presets.list);
  });

  r.get('/scorecard', async (_req, res) => {
    card ??= scorecard().catch((err: unknown) => {
      card = null;
      throw err;
    });
    try {
      res.json(await card);
    } catch (err) {
      logger.error({ err }, 'scorecard failed');
      sendError(res, apiError('INTERNAL', 'the scorecard could not be computed'));
    }
  });

  return r;
}

export function healthRoute(registry: Registry, startedAt: number): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ ok: true, labs: registry.list().length, uptimeS: Math.round((Date.now() - startedAt) / 1000) });
  });
  return r;
}
