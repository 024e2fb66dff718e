/**
 * Frames travel compact on the socket (shared/wire.ts); the page works with decoded frames.
 */
import { decodeFrameMessage as decodeWire } from '../../../shared/wire.js';
import type { FrameMessage, WireFrameMessage } from '../../../shared/protocol.js';

export function decodeFrameMessage(raw: WireFrameMessage): FrameMessage | null {
  if (!raw || !Array.isArray(raw.frames)) return null;
  return decodeWire(raw);
}
