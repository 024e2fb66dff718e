/** The server's structured logger (pino, JSON lines on stdout). */
import { pino, type Logger } from 'pino';

export type { Logger };

/** A logger at `level`; `silent` for tests. */
export function createLogger(level = 'info'): Logger {
  return pino({ level, base: { app: 'contention-lab' } });
}

/** A logger that writes nothing (tests, benches). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
