/**
 * The server's one typed configuration, from command-line flags and the environment (flags win).
 * Every value has a default; a bad value is an error naming the variable.
 */
import path from 'node:path';
import { isIPv6 } from 'node:net';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** When set, only clients presenting it may steer; required to bind beyond loopback. */
  controlToken?: string;
  /** Extra origins allowed for browsers (the server's own origin always is). */
  allowedOrigins: string[];
  /**
   * Host names the server answers to besides IP addresses, loopback names and `host` (a request
   * naming another host is refused: DNS rebinding).
   */
  allowedHosts: string[];
  maxLabs: number;
  maxVpsPerLab: number;
  maxClients: number;
  /** Connections (handshaken or not) from one address at once. */
  maxClientsPerAddress: number;
  /** Commands (and clock actions) per second per client, sustained; bursts up to twice that. */
  commandRate: number;
  /**
   * Values of history and CSV one client address may take per second, sustained; bursts up to
   * EXPORT_BURST_S seconds of it (server/net/exports.ts).
   */
  exportRate: number;
  /** Bytes of REST request bodies being read or handled at once, across every client. */
  maxBodyBytesInFlight: number;
  /** Seconds a REST request body may take to arrive whole once its headers are read. */
  bodyReadS: number;
  /** Frames per second broadcast to clients at most. */
  broadcastHz: number;
  /** Seconds of simulated time each lab keeps at full resolution. */
  historyS: number;
  /** Seconds between periodic snapshots of each lab. */
  snapshotEveryS: number;
  logLevel: string;
  /** Folder of the built dashboard, served when it exists. */
  clientDir: string;
  /** When set, this process is one of a cluster joined through this Redis (labs live there, not in dataDir). */
  redisUrl?: string;
  /** How the other processes of a cluster reach this one's API (default http://HOST:PORT). */
  advertiseUrl?: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

interface Field {
  env: string;
  flag: string;
}

const FIELDS = {
  port: { env: 'PORT', flag: 'port' },
  host: { env: 'HOST', flag: 'host' },
  dataDir: { env: 'DATA_DIR', flag: 'data-dir' },
  controlToken: { env: 'CONTROL_TOKEN', flag: 'control-token' },
  allowedOrigins: { env: 'ALLOWED_ORIGINS', flag: 'allowed-origins' },
  allowedHosts: { env: 'ALLOWED_HOSTS', flag: 'allowed-hosts' },
  maxLabs: { env: 'MAX_LABS', flag: 'max-labs' },
  maxVpsPerLab: { env: 'MAX_VPS_PER_LAB', flag: 'max-vps-per-lab' },
  maxClients: { env: 'MAX_CLIENTS', flag: 'max-clients' },
  maxClientsPerAddress: { env: 'MAX_CLIENTS_PER_ADDRESS', flag: 'max-clients-per-address' },
  commandRate: { env: 'COMMAND_RATE', flag: 'command-rate' },
  exportRate: { env: 'EXPORT_RATE', flag: 'export-rate' },
  maxBodyBytesInFlight: { env: 'MAX_BODY_BYTES_IN_FLIGHT', flag: 'max-body-bytes-in-flight' },
  bodyReadS: { env: 'BODY_READ_S', flag: 'body-read-s' },
  broadcastHz: { env: 'BROADCAST_HZ', flag: 'broadcast-hz' },
  historyS: { env: 'HISTORY_S', flag: 'history-s' },
  snapshotEveryS: { env: 'SNAPSHOT_EVERY_S', flag: 'snapshot-every-s' },
  logLevel: { env: 'LOG_LEVEL', flag: 'log-level' },
  clientDir: { env: 'CLIENT_DIR', flag: 'client-dir' },
  redisUrl: { env: 'REDIS_URL', flag: 'redis-url' },
  advertiseUrl: { env: 'ADVERTISE_URL', flag: 'advertise-url' },
} satisfies Record<keyof Config, Field>;

export const DEFAULTS: Config = {
  port: 3000,
  host: '127.0.0.1',
  dataDir: './data',
  allowedOrigins: [],
  allowedHosts: [],
  maxLabs: 16,
  maxVpsPerLab: 256,
  maxClients: 2000,
  maxClientsPerAddress: 256,
  commandRate: 10,
  exportRate: 300_000,
  maxBodyBytesInFlight: 16 * 1024 * 1024,
  bodyReadS: 15,
  broadcastHz: 10,
  historyS: 900,
  snapshotEveryS: 30,
  logLevel: 'info',
  clientDir: './dist/client',
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** `--port 4000`, `--port=4000` → { port: '4000' }; `twice`: the first flag given more than once. */
function parseFlags(argv: readonly string[]): { flags: Map<string, string>; twice?: string } {
  const out = new Map<string, string>();
  let twice: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new ConfigError(a, 'unexpected argument (flags look like --port 3000)');
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const value = eq > 0 ? a.slice(eq + 1) : argv[i + 1];
    // An empty value (`--data-dir=$DIR` with DIR unset) is no value: as a folder it would mean
    // the current one.
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--')))
      throw new ConfigError(`--${name}`, 'needs a value');
    if (out.has(name)) twice ??= name;
    out.set(name, value);
    if (eq < 0) i++;
  }
  return { flags: out, twice };
}

/**
 * A command's flags (`--port 4000`, `--port=4000`), each one of `known` given at most once: a
 * ConfigError names the first flag that is unknown, given twice, or left without a value.
 */
export function readFlags(argv: readonly string[], known: ReadonlySet<string>): Map<string, string> {
  const { flags, twice } = parseFlags(argv);
  for (const f of flags.keys()) if (!known.has(f)) throw new ConfigError(`--${f}`, 'unknown flag');
  // `--data-dir a … --data-dir b`: which one was meant cannot be told, so neither is taken.
  if (twice !== undefined) throw new ConfigError(`--${twice}`, 'given twice (give each flag once)');
  return flags;
}

/** `raw` as a whole number from `min` to `max`, else a ConfigError naming `name`. */
export function int(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

function num(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new ConfigError(name, `expected a number from ${min} to ${max}, got "${raw}"`);
  return n;
}

/**
 * Whether the server would listen on this machine only. An address is read as the system reads it
 * (`127.1`, `0x7f.0.0.1` and `2130706433` are 127.0.0.1; `0:0:0:0:0:0:0:1` is ::1), as the WHATWG
 * URL parser does: a spelling of loopback is not taken for a public address, nor the reverse.
 */
function isLoopback(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  let name: string;
  try {
    name = new URL(`http://${isIPv6(host) ? `[${host}]` : host}/`).hostname;
  } catch {
    return false;
  }
  return (
    /^127\.\d+\.\d+\.\d+$/.test(name) ||
    name === '[::1]' ||
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(name)
  );
}

/**
 * Read the configuration. Throws a ConfigError naming the variable on a bad value, and when the
 * server would listen beyond loopback without a control token.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  argv: readonly string[] = process.argv.slice(2),
): Config {
  const flags = readFlags(argv, new Set(Object.values(FIELDS).map((f) => f.flag)));
  const raw = (k: keyof Config): [string, string] | undefined => {
    const f = FIELDS[k];
    if (flags.has(f.flag)) return [`--${f.flag}`, flags.get(f.flag) as string];
    const v = env[f.env];
    return v === undefined || v === '' ? undefined : [f.env, v];
  };
  // DATA_DIR set to nothing (`DATA_DIR=$DIR` with DIR unset) would mean ./data: another folder than
  // the one meant, where the labs are not (and a new demo lab would be made). Other empty variables are unset.
  if (env.DATA_DIR === '' && !flags.has(FIELDS.dataDir.flag))
    throw new ConfigError('DATA_DIR', 'is set but empty; name a folder, or unset it to use ./data');
  const c: Config = { ...DEFAULTS, allowedOrigins: [], allowedHosts: [] };
  const r = {
    port: raw('port'),
    host: raw('host'),
    dataDir: raw('dataDir'),
    controlToken: raw('controlToken'),
    allowedOrigins: raw('allowedOrigins'),
    allowedHosts: raw('allowedHosts'),
    maxLabs: raw('maxLabs'),
    maxVpsPerLab: raw('maxVpsPerLab'),
    maxClients: raw('maxClients'),
    maxClientsPerAddress: raw('maxClientsPerAddress'),
    commandRate: raw('commandRate'),
    exportRate: raw('exportRate'),
    maxBodyBytesInFlight: raw('maxBodyBytesInFlight'),
    bodyReadS: raw('bodyReadS'),
    broadcastHz: raw('broadcastHz'),
    historyS: raw('historyS'),
    snapshotEveryS: raw('snapshotEveryS'),
    logLevel: raw('logLevel'),
    clientDir: raw('clientDir'),
    redisUrl: raw('redisUrl'),
    advertiseUrl: raw('advertiseUrl'),
  };
  if (r.port) c.port = int(r.port[0], r.port[1], 0, 65_535);
  if (r.host) {
    if (!/^[A-Za-z0-9.:-]+$/.test(r.host[1]))
      throw new ConfigError(r.host[0], `not a host name or address: "${r.host[1]}"`);
    c.host = r.host[1];
  }
  if (r.dataDir) c.dataDir = r.dataDir[1];
  c.dataDir = path.resolve(c.dataDir);
  if (r.clientDir) c.clientDir = r.clientDir[1];
  c.clientDir = path.resolve(c.clientDir);
  if (r.controlToken) {
    if (r.controlToken[1].length < 8) throw new ConfigError(r.controlToken[0], 'use at least 8 characters');
    c.controlToken = r.controlToken[1];
  }
  if (r.allowedOrigins) {
    c.allowedOrigins = r.allowedOrigins[1]
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const o of c.allowedOrigins) {
      if (!/^https?:\/\/[^/\s]+$/.test(o))
        throw new ConfigError(r.allowedOrigins[0], `"${o}" is not an origin like http://host:port`);
    }
  }
  if (r.allowedHosts) {
    c.allowedHosts = r.allowedHosts[1]
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    for (const h of c.allowedHosts) {
      if (!/^[a-z0-9]([a-z0-9.-]{0,252})$/.test(h))
        throw new ConfigError(r.allowedHosts[0], `"${h}" is not a host name like lab.example.org`);
    }
  }
  if (r.maxLabs) c.maxLabs = int(r.maxLabs[0], r.maxLabs[1], 1, 1000);
  if (r.maxVpsPerLab) c.maxVpsPerLab = int(r.maxVpsPerLab[0], r.maxVpsPerLab[1], 1, 8192);
  if (r.maxClients) c.maxClients = int(r.maxClients[0], r.maxClients[1], 1, 100_000);
  if (r.maxClientsPerAddress)
    c.maxClientsPerAddress = int(r.maxClientsPerAddress[0], r.maxClientsPerAddress[1], 1, 100_000);
  if (r.commandRate) c.commandRate = num(r.commandRate[0], r.commandRate[1], 0.1, 10_000);
  if (r.exportRate) c.exportRate = int(r.exportRate[0], r.exportRate[1], 1000, 100_000_000);
  // At least one body at the limit (1 MiB), or a large scenario could never be posted.
  if (r.maxBodyBytesInFlight)
    c.maxBodyBytesInFlight = int(r.maxBodyBytesInFlight[0], r.maxBodyBytesInFlight[1], 1024 * 1024, 2 ** 32);
  if (r.bodyReadS) c.bodyReadS = num(r.bodyReadS[0], r.bodyReadS[1], 0.1, 3600);
  if (r.broadcastHz) c.broadcastHz = num(r.broadcastHz[0], r.broadcastHz[1], 0.1, 10);
  if (r.historyS) c.historyS = num(r.historyS[0], r.historyS[1], 10, 86_400);
  if (r.snapshotEveryS) c.snapshotEveryS = num(r.snapshotEveryS[0], r.snapshotEveryS[1], 1, 86_400);
  if (r.logLevel) {
    if (!LOG_LEVELS.includes(r.logLevel[1]))
      throw new ConfigError(
        r.logLevel[0],
        `expected one of ${LOG_LEVELS.join(', ')}, got "${r.logLevel[1]}"`,
      );
    c.logLevel = r.logLevel[1];
  }
  if (r.redisUrl) {
    if (!/^rediss?:\/\/[^\s]+$/.test(r.redisUrl[1]))
      throw new ConfigError(
        r.redisUrl[0],
        `expected a URL like redis://127.0.0.1:6379, got "${r.redisUrl[1]}"`,
      );
    c.redisUrl = r.redisUrl[1];
  }
  if (r.advertiseUrl) {
    if (!/^https?:\/\/[^/\s]+$/.test(r.advertiseUrl[1]) || !URL.canParse(r.advertiseUrl[1]))
      throw new ConfigError(
        r.advertiseUrl[0],
        `expected a URL like http://10.0.0.5:3000, got "${r.advertiseUrl[1]}"`,
      );
    c.advertiseUrl = r.advertiseUrl[1];
  }
  if (!isLoopback(c.host) && !c.controlToken) {
    throw new ConfigError(
      FIELDS.controlToken.env,
      `listening on ${c.host} (beyond this machine) requires a control token: set CONTROL_TOKEN, or HOST=127.0.0.1`,
    );
  }
  return c;
}

export { isLoopback };
