/**
 * The server as a factory: Express 5 (REST, dashboard) and socket.io 4 on one HTTP server, with the
 * clock, logger, store and engines injected, so tests build it on port 0 with a manual clock.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { Server } from 'socket.io';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { systemClock, type Clock } from '../lab/clock.js';
import { simEngines, type EngineFactory } from '../lab/engines.js';
import { Registry } from '../lab/registry.js';
import type { Store } from '../lab/store.js';
import type { ClusterNode } from '../cluster/node.js';
import { clusterHealth, clusterRoutes } from '../cluster/routes.js';
import { silentLogger } from '../log.js';
import { admission } from './admission.js';
import { hostAllowed, originAllowed } from './auth.js';
import { apiError, sendError } from './errors.js';
import { labRoutes } from './routes-labs.js';
import { healthRoute, miscRoutes } from './routes-misc.js';
import type { IoServer } from './io.js';
import { attachSockets } from './socket.js';
import { Broadcaster } from './broadcast.js';
import { serveDashboard } from './static.js';
import { checkedParser } from './parser.js';
import { limitConnections } from './connections.js';
import { wrongMethod } from './methods.js';
import { bodyReaders, MAX_BODY } from './bodies.js';

/** Largest inbound socket message. */
export const MAX_SOCKET_MESSAGE = 64 * 1024;
/** Memory budget of one lab's history: 64 MB, less when many labs may run (512 MB in all). */
export function historyBytes(maxLabs: number): number {
  return Math.min(64 * 1024 * 1024, Math.floor((512 * 1024 * 1024) / maxLabs));
}

export interface AppDeps {
  config: Config;
  clock?: Clock;
  logger?: Logger;
  /** Where labs persist; without one, labs live in memory only. */
  store?: Store;
  engines?: EngineFactory;
  /** An already restored registry (else one is built and restored from the store). */
  registry?: Registry;
  /** Scorecard computation (defaults to server/scorecard). */
  scorecard?: () => Promise<unknown>;
  /** Pump period of the real-time loop, ms. */
  pumpMs?: number;
  /** Saved labs up to this many ticks old are re-run on restore to bring back their history. */
  rebuildTicks?: number;
  /** This process's place in a cluster (REDIS_URL): its store is `cluster.store`. */
  cluster?: ClusterNode;
}

export interface LabServer {
  app: express.Express;
  http: HttpServer;
  io: IoServer;
  registry: Registry;
  /**
   * Settles once every saved lab is restored (or quarantined), with how many the store held. The
   * server answers meanwhile: a lab still being restored says so.
   */
  restored: Promise<number>;
  /** Listen on config.host:config.port (0 picks a free port); resolves with the URL. */
  listen(): Promise<{ port: number; url: string }>;
  /** Stop accepting, disconnect clients, snapshot every lab and flush the store. */
  close(): Promise<void>;
}

/** Build the app. Restores the labs from the store unless a registry is given. */
export async function createApp(deps: AppDeps): Promise<LabServer> {
  const { config } = deps;
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? silentLogger();
  const registry =
    deps.registry ??
    new Registry({
      clock,
      logger,
      engines: deps.engines ?? simEngines,
      store: deps.store,
      maxLabs: config.maxLabs,
      limits: {
        maxVps: config.maxVpsPerLab,
        historyS: config.historyS,
        historyBytes: historyBytes(config.maxLabs),
        broadcastHz: config.broadcastHz,
      },
      snapshotEveryS: config.snapshotEveryS,
      pumpMs: deps.pumpMs,
      rebuildTicks: deps.rebuildTicks,
      taken: deps.cluster?.taken,
      heldBy: deps.cluster?.heldBy,
      storeAway: deps.cluster?.storeAway,
    });
  const restored = deps.registry
    ? Promise.resolve(0)
    : registry.restore().catch((err: unknown) => {
        logger.error({ err }, 'could not restore the saved labs');
        return 0;
      });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // Only requests naming this server: a page that made its own name resolve here (DNS rebinding)
  // is refused before anything else.
  app.use((req, res, next) => {
    if (hostAllowed(req.headers.host, config)) return next();
    sendError(
      res,
      apiError(
        'FORBIDDEN',
        `unknown host name "${String(req.headers.host ?? '').slice(0, 100)}" (add it to ALLOWED_HOSTS)`,
      ),
    );
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          workerSrc: ["'self'", 'blob:'],
          objectSrc: ["'none'"],
          frameAncestors: ["'self'"],
          // Plain http on a classroom network must keep working.
          upgradeInsecureRequests: null,
        },
      },
      strictTransportSecurity: false,
      crossOriginEmbedderPolicy: false,
    }),
  );
  // Browsers from other origins may not use the API (no CORS, and refused outright).
  app.use('/api', (req, res, next) => {
    if (!originAllowed(req.headers.origin, req.headers.host, config))
      return sendError(res, apiError('FORBIDDEN', 'this origin may not use the API'));
    next();
  });
  app.use('/api', bodyReaders({ maxBytes: config.maxBodyBytesInFlight, readS: config.bodyReadS }));
  if (deps.cluster) app.use(clusterRoutes(deps.cluster, registry));
  const health = healthRoute(
    registry,
    performance.now(),
    deps.cluster && clusterHealth(deps.cluster, registry),
  );
  const labs = labRoutes({ registry, config, clock, viewers: (id) => broadcast.viewers(id) });
  const misc = miscRoutes({ logger, scorecard: deps.scorecard });
  app.use(health);
  app.use('/api', labs, misc, wrongMethod([labs, misc]));
  app.use('/api', (_req, res) => sendError(res, apiError('NOT_FOUND', 'no such endpoint')));
  app.use(serveDashboard(config.clientDir), wrongMethod([health]));
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const e = err as { type?: string; status?: number; message?: string };
    if (e?.type === 'duplicate.key' && e.message)
      return sendError(res, apiError('INVALID_INPUT', e.message, (err as { path?: string }).path));
    if (e?.type === 'entity.parse.failed')
      return sendError(
        res,
        apiError(
          'INVALID_INPUT',
          'the request body is not valid JSON (an object, or an array of commands)',
          '(root)',
        ),
      );
    if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported')
      return sendError(
        res,
        apiError('INVALID_INPUT', `the body must be JSON in UTF-8, not encoded: ${e.message}`, '(root)'),
        415,
      );
    if (e?.type === 'entity.too.large') {
      return sendError(res, apiError('LIMIT_EXCEEDED', `the request body is larger than ${MAX_BODY}`), 413);
    }
    // A body labelled gzip, deflate or br whose bytes are not (zlib's Z_DATA_ERROR, "incorrect header check").
    const zlib = (err as { code?: unknown })?.code;
    if (e?.status === 400 && typeof zlib === 'string' && /^(Z_|ERR_BROTLI|ERR__ERROR_FORMAT)/.test(zlib)) {
      const encoding = String(req.headers['content-encoding'] ?? '').slice(0, 40);
      return sendError(
        res,
        apiError(
          'INVALID_INPUT',
          `Content-Encoding: the body is not ${encoding} data (${e.message}): send it compressed as labelled, or unlabelled`,
          'Content-Encoding',
        ),
      );
    }
    if (e?.status === 404) return sendError(res, apiError('NOT_FOUND', 'not found'));
    // The dashboard's files: a path that climbs out of its folder, or that cannot be decoded.
    if (e?.status === 403)
      return sendError(
        res,
        apiError(
          'FORBIDDEN',
          'path: a file path may not climb out of its folder (".." once decoded)',
          'path',
        ),
      );
    if (e?.status === 400 && /decode|Bad Request/i.test(e.message ?? ''))
      return sendError(
        res,
        apiError('INVALID_INPUT', 'path: not a valid URL path (a malformed %-escape, or a NUL)', 'path'),
      );
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      return sendError(res, apiError('INVALID_INPUT', 'the request could not be read'), e.status);
    }
    logger.error({ err }, 'unexpected error in a request');
    sendError(res, apiError('INTERNAL', 'internal error'));
  });

  const http = createServer(app);
  limitConnections(http, config, logger);
  const admit = admission(config, logger);
  const io: IoServer = new Server(http, {
    // socket.io's parser, refusing a key given twice in a message as the REST API does.
    parser: checkedParser,
    maxHttpBufferSize: MAX_SOCKET_MESSAGE,
    perMessageDeflate: false,
    httpCompression: false,
    serveClient: false,
    allowRequest: (req, cb) => admit.allowRequest(req, cb),
    // A connection that never sends CONNECT is closed after this long (it counts meanwhile).
    connectTimeout: 10_000,
    pingInterval: 10_000,
    pingTimeout: 10_000,
    connectionStateRecovery: undefined,
  });
  admit.attach(io);
  deps.cluster?.attach(io, registry);
  const broadcast = new Broadcaster(io, deps.cluster);
  const stopSweep = attachSockets(io, {
    registry,
    config,
    clock,
    logger,
    broadcast,
    remote: deps.cluster,
    processTag: deps.cluster?.id.slice(-4),
  });
  registry.start();

  let closing: Promise<void> | null = null;
  return {
    app,
    http,
    io,
    registry,
    restored,
    listen() {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          http.off('error', reject);
          const { port } = http.address() as AddressInfo;
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          resolve({ port, url: `http://${host}:${port}` });
        });
      });
    },
    close() {
      closing ??= (async () => {
        await restored;
        registry.stop();
        stopSweep();
        // Close the transports without a "disconnect" packet: clients see the connection drop
        // and reconnect on their own when the server is back (a server-side disconnect would
        // tell them not to).
        await new Promise<void>((resolve) => io.close(() => resolve()));
        http.closeAllConnections?.();
        await registry.flush();
        await deps.store?.close();
        await deps.cluster?.close();
      })();
      return closing;
    },
  };
}
