/**
 * TCP connections, counted before HTTP reads a byte of them: one address may hold at most twice
 * its socket.io connections (`maxClientsPerAddress`: its websockets and as many HTTP connections
 * beside them), and the server at most twice `maxClients`. A connection past either is answered
 * 429 LIMIT_EXCEEDED and closed at once, before any request on it is read (so nothing it sends
 * is applied). Without this, connections that never finish a request hold an open file each
 * until the server can open no more: no other user gets in, and no lab's log can be written. For
 * the same reason the cap in all stays below the open files this process may hold (`ulimit -n`),
 * keeping some for the server's own files; a MAX_CLIENTS past it is lowered to fit, with a warning.
 */
import { readFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { limitKey } from './clientAddress.js';

type Limits = Pick<Config, 'maxClients' | 'maxClientsPerAddress'>;

/** The raw answer to a connection over a limit (written before HTTP parses anything of it). */
function refusal(message: string): string {
  const body = JSON.stringify({ ok: false, error: { code: 'LIMIT_EXCEEDED', message } });
  return (
    'HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/** Open files kept for the server's own needs: lab logs and snapshots, the dashboard's files, Redis. */
const OWN_FILES = 64;

/** The open files this process may hold (its soft limit, `ulimit -n`), where the system says (Linux). */
export function openFileLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m && m[1] !== 'unlimited' ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** How many connections the server holds at most: twice MAX_CLIENTS, within the open files it may hold. */
export function connectionCap(maxClients: number, files = openFileLimit()): number {
  const wanted = 2 * maxClients;
  return files === undefined ? wanted : Math.min(wanted, Math.max(Math.floor(files / 2), files - OWN_FILES));
}

/** Count `http`'s connections by address and refuse those past the limits. */
export function limitConnections(http: HttpServer, limits: Limits, logger: Logger): void {
  const perAddressMax = 2 * limits.maxClientsPerAddress;
  const files = openFileLimit();
  const totalMax = connectionCap(limits.maxClients, files);
  if (totalMax < 2 * limits.maxClients)
    logger.warn(
      { maxClients: limits.maxClients, openFiles: files, connections: totalMax },
      `MAX_CLIENTS=${limits.maxClients} would let ${2 * limits.maxClients} connections open, more than ` +
        `the open files this process may hold (ulimit -n ${files}): at most ${totalMax} are accepted; ` +
        `raise ulimit -n to ${2 * limits.maxClients + OWN_FILES}, or lower MAX_CLIENTS`,
    );
  const perAddress = new Map<string, number>();
  let total = 0;
  let warned = 0;
  // First of the 'connection' listeners: a connection refused here is closed before HTTP sets up on it.
  http.prependListener('connection', (socket: Socket) => {
    const address = limitKey(socket.remoteAddress);
    const n = perAddress.get(address) ?? 0;
    const why =
      n >= perAddressMax
        ? `too many connections from this address (at most ${perAddressMax})`
        : total >= totalMax
          ? `too many connections (at most ${totalMax})`
          : undefined;
    if (why) {
      // Written to the kernel at once (a fresh socket's write goes out synchronously), then closed.
      socket.on('error', () => undefined);
      socket.write(refusal(why));
      socket.destroy();
      const now = performance.now();
      if (now - warned > 10_000) {
        warned = now;
        logger.warn({ address, fromAddress: n, total }, `connection refused: ${why}`);
      }
      return;
    }
    perAddress.set(address, n + 1);
    total++;
    socket.once('close', () => {
      total--;
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    });
  });
}
