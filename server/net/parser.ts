/**
 * socket.io's own packet parser, with one check more on what clients send: a key given twice in
 * one object of a message. socket.io decodes a message's JSON before any handler sees it, and
 * `JSON.parse` keeps the last of two equal keys without a word; the REST API refuses them
 * (server/jsonKeys.ts), and so does the socket: such a message reaches its handler as a
 * `DuplicateKeyPayload` naming the key, which the handler answers as INVALID_INPUT (its ack, if
 * any, still works). Encoding is socket.io's, unchanged.
 */
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';
import type { ApiError } from '../../shared/protocol.js';
import { duplicateKeyMessage, findDuplicateKey } from '../jsonKeys.js';

export { Encoder };

/** What a handler receives instead of a message that gave a key twice. */
export class DuplicateKeyPayload {
  /** The refusal, naming the second occurrence in the message (`load.cpu`). */
  readonly error: ApiError;
  constructor(path: string) {
    this.error = { code: 'INVALID_INPUT', message: duplicateKeyMessage(path), path };
  }
}

/** A packet's header before its JSON: type, attachments ("1-"), namespace ("/x,"), ack id. */
const HEADER = /^\d(?:\d+-)?(?:\/[^,]*,)?\d*/;

/** The path, within the message, of a key given twice in a text packet's JSON; undefined when none. */
function duplicateIn(text: string): string | undefined {
  const json = text.slice(HEADER.exec(text)?.[0].length ?? 0);
  if (!json) return undefined;
  const dup = findDuplicateKey(json);
  // The JSON is [event, message, …]: the path is given within the message (`[1].load.cpu` → `load.cpu`).
  return dup && (dup.path.replace(/^\[1\]\.?/, '') || dup.path);
}

export class CheckedDecoder extends Decoder {
  override add(obj: unknown): void {
    const path = typeof obj === 'string' ? duplicateIn(obj) : undefined;
    if (path === undefined) return super.add(obj);
    // Decoded as usual (a malformed packet throws as usual), then its message replaced.
    let packet: Packet | undefined;
    const plain = new Decoder();
    plain.on('decoded', (p: Packet) => (packet = p));
    plain.add(obj);
    if (packet?.type !== PacketType.EVENT || !Array.isArray(packet.data)) {
      // Not a plain event (a CONNECT's auth, a binary event): refused as a malformed packet is,
      // by closing the connection (no client of this server sends these with a key twice).
      plain.destroy();
      throw new Error(`a socket.io packet gives a key twice (${path})`);
    }
    packet.data = [packet.data[0], new DuplicateKeyPayload(path)];
    this.emitReserved('decoded', packet);
  }
}

/** The parser for the socket.io server (`new Server(http, { parser })`). */
export const checkedParser = { Encoder, Decoder: CheckedDecoder };
