/** REST beyond labs: presets, the validation scorecard (computed once, on first ask), health. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import type { Logger } from 'pino';
import { listPresets } from '../scenario.js';
import type { Registry } from '../lab/registry.js';
import { apiError, noQuery, sendData, sendError } from './errors.js';

export interface MiscRoutesDeps {
  logger: Logger;
  /** Computes the scorecard table; defaults to the scorecard module. */
  scorecard?: () => Promise<unknown>;
}

const SCORECARD_CLI = fileURLToPath(new URL('../cli/scorecard.ts', import.meta.url));

/**
 * The validation tables (one per experiment host), computed in a child process: it takes a couple
 * of seconds of CPU, which must not stall the live labs.
 */
function defaultScorecard(): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', SCORECARD_CLI, '--json'],
      { maxBuffer: 32 * 1024 * 1024, timeout: 120_000 },
      (err, stdout) => {
        // Exit code 1 only says some cell missed its category: the tables are still the answer.
        try {
          resolve(JSON.parse(stdout));
        } catch {
          reject(err ?? new Error('the scorecard printed no JSON'));
        }
      },
    );
  });
}

export function miscRoutes({ logger, scorecard = defaultScorecard }: MiscRoutesDeps): Router {
  const r = Router();
  let card: Promise<unknown> | null = null;

  // Presets are files shipped with the server: read them at most every few seconds.
  let presets: { at: number; list: Promise<unknown> } | null = null;
  r.get('/presets', noQuery, async (_req, res) => {
    if (!presets || performance.now() - presets.at > 5000)
      presets = { at: performance.now(), list: listPresets() };
    sendData(res, await presets.list);
  });

  r.get('/scorecard', noQuery, async (_req, res) => {
    card ??= scorecard().catch((err: unknown) => {
      card = null;
      throw err;
    });
    try {
      sendData(res, await card);
    } catch (err) {
      logger.error({ err }, 'scorecard failed');
      sendError(res, apiError('INTERNAL', 'the scorecard could not be computed'));
    }
  });

  return r;
}

/** What a process of a cluster adds to `/healthz`: itself, the labs it owns, its Redis connection. */
export interface ClusterHealth {
  process: string;
  owns: string[];
  /** The Redis connection's state (ioredis: ready, connecting, reconnecting, …). */
  redis: string;
  /** Whether Redis answered this process within the last 2 s (a frozen Redis stays `ready`). */
  redisAnswers: boolean;
}

/**
 * `/healthz`: the labs this process runs and its uptime (from `startedAt`, performance.now() ms, so a
 * clock stepped by NTP does not change it), plus `cluster()`'s fields in a cluster.
 */
export function healthRoute(registry: Registry, startedAt: number, cluster?: () => ClusterHealth): Router {
  const r = Router();
  r.get('/healthz', noQuery, (_req, res) => {
    sendData(res, {
      labs: registry.list().length,
      uptimeS: Math.round((performance.now() - startedAt) / 1000),
      ...cluster?.(),
    });
  });
  return r;
}
