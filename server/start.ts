/**
 * The live lab server's start: config → DATA_DIR (locked) → app → listen at once, while the saved
 * labs are restored in the background. A lab "demo" runs from the demo preset on a first start
 * (DATA_DIR holds no lab). SIGTERM/SIGINT snapshot and close.
 * With REDIS_URL the process joins a cluster instead: labs live in Redis and are owned by one
 * process each (server/cluster); DATA_DIR is not used.
 */
import { ClusterNode } from './cluster/node.js';
import { ConfigError, loadConfig } from './config.js';
import { openFileStore } from './lab/fileStore.js';
import { prepareDataDir } from './dataDir.js';
import { StoreLockedError, type Store } from './lab/store.js';
import { createLogger } from './log.js';
import { createApp } from './net/app.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`contention-lab: configuration error: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  let cluster: ClusterNode | undefined;
  let store: Store;
  if (config.redisUrl) {
    cluster = new ClusterNode({ redisUrl: config.redisUrl, logger, maxLabs: config.maxLabs });
    try {
      await cluster.connect();
    } catch (e) {
      logger.fatal({ err: e }, 'cannot reach Redis');
      process.stderr.write(`contention-lab: cannot reach Redis at REDIS_URL: ${(e as Error).message}\n`);
      process.exit(1);
    }
    store = cluster.store;
  } else {
    try {
      await prepareDataDir(config.dataDir);
      store = await openFileStore(config.dataDir, logger);
    } catch (e) {
      const why =
        e instanceof StoreLockedError
          ? e.message
          : `cannot use DATA_DIR ${config.dataDir}: ${(e as Error).message}`;
      logger.fatal(why);
      process.stderr.write(`contention-lab: ${why}\n`);
      process.exit(1);
    }
  }
  const server = await createApp({ config, logger, store, cluster });
  let url: string;
  let port: number;
  try {
    ({ url, port } = await server.listen());
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? `port ${config.port} on ${config.host} is already in use (set PORT to another port)`
        : code === 'EADDRNOTAVAIL'
          ? `${config.host} is not an address of this machine (check HOST)`
          : code === 'EACCES'
            ? `not allowed to listen on port ${config.port} (use a port above 1023)`
            : (e as Error).message;
    logger.fatal({ code }, `cannot listen: ${why}`);
    process.stderr.write(`contention-lab: cannot listen: ${why}\n`);
    await server.close();
    process.exit(1);
  }
  cluster?.start(config.advertiseUrl ?? url);
  logger.info(
    {
      url,
      ...(cluster ? { process: cluster.id } : { dataDir: config.dataDir }),
      control: config.controlToken ? 'token' : 'open',
    },
    `Contention Lab at ${url}`,
  );
  void server.restored.then(async (saved) => {
    const empty = cluster ? (await cluster.labIds()).length === 0 : saved === 0;
    if (empty && !server.registry.get('demo')) {
      const made = await server.registry.create({ id: 'demo', preset: 'demo' });
      // In a cluster, processes starting together race for the demo: one creates it.
      if (!made.ok && !(cluster && made.error.code === 'CONFLICT'))
        logger.error({ error: made.error }, 'could not start the demo lab');
    }
    logger.info({ labs: server.registry.list().map((l) => l.id) }, 'labs ready');
    // A parent process that started this one with an IPC channel (the browser tests) is handed the
    // port the listen call chose, once the saved labs are back.
    process.send?.({ listening: { port, url } });
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: saving labs');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    server.close().then(
      () => {
        logger.info('labs saved; bye');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** Starts the server in this process; a start that fails says why on stderr and exits 1. */
export function start(): void {
  main().catch((err: unknown) => {
    process.stderr.write(`contention-lab: could not start: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}
