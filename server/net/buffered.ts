/**
 * What a connection has not yet taken: the bytes waiting in engine.io's write buffer and in its
 * websocket's send buffer. Past a budget the server stops sending it snapshots and frames; far
 * past it, the connection is dropped, so a client that stops reading costs bounded memory.
 */
import type { Socket } from 'socket.io';

/** Past this many waiting bytes a connection gets no snapshot and no frame. */
export const SEND_BUDGET = 1024 * 1024;
/** Past this many waiting bytes (or packets), a connection is dropped. */
export const DROP_BYTES = 8 * 1024 * 1024;
export const DROP_PACKETS = 500;

interface Conn {
  writeBuffer?: { data?: unknown }[];
  transport?: { socket?: { bufferedAmount?: number } };
}

/** Bytes and packets waiting to be written to this connection. */
export function waiting(socket: Pick<Socket, 'conn'>): { bytes: number; packets: number } {
  const conn = socket.conn as unknown as Conn;
  const queue = conn.writeBuffer ?? [];
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const p of queue) {
    const d = p.data;
    bytes += typeof d === 'string' ? d.length : ((d as ArrayBufferView | undefined)?.byteLength ?? 0);
  }
  return { bytes, packets: queue.length };
}
