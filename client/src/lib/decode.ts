/**
 * Frames travel compact on the socket (shared/wire.ts); the page works with decoded frames.
 */
import { decodeFrameMessage as decodeWire } from '../../../shared/wire.js';
import type { FrameMessage, SnapshotMessage, WireFrameMessage } from '../../../shared/protocol.js';

/** A snapshot whose history is decoded. */
export type DecodedSnapshot = Omit<SnapshotMessage, 'history'> & { history: FrameMessage[] };

export function decodeFrameMessage(raw: WireFrameMessage): FrameMessage | null {
  if (!raw || !Array.isArray(raw.frames)) return null;
  return decodeWire(raw);
}
