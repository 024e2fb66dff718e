/**
 * A raw engine.io websocket to a server at `url`, past socket.io's CONNECT: what a hostile client
 * or a stalled one looks like to the server, below the socket.io client's own buffering. It
 * answers pings, keeps every text message it gets in `got`, and says when it is closed.
 */
import { WebSocket } from 'ws';

export interface RawSocket {
  ws: WebSocket;
  /** Every text message received (the CONNECT answer and what follows). */
  got: string[];
  /** Resolves once the connection is closed, by either side. */
  closed: Promise<boolean>;
}

/** Opens one from `localAddress` (another loopback address stands for another user). */
export async function rawSocket(url: string, localAddress = '127.0.0.1'): Promise<RawSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
    localAddress,
  });
  const got: string[] = [];
  const closed = new Promise<boolean>((ok) => ws.once('close', () => ok(true)));
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (d) => {
      const text = d.toString();
      if (text === '2') return ws.send('3');
      if (text.startsWith('0{')) ws.send('40');
      else if (text.startsWith('40')) resolve();
      got.push(text);
    });
    ws.once('error', reject);
  });
  return { ws, got, closed };
}
