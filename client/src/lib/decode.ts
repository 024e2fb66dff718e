/**
 * Frames travel compact on the socket (shared/wireFrame.ts); the page works with decoded frames.
 * A message that is not a frame message it can read is dropped (null), never thrown.
 */
import { decodeFrameMessage as decodeWire, frameBlocks, type WireBlock } from '../../../shared/wireFrame.js';
import type { FrameMessage, WireFrameMessage } from '../../../shared/protocol.js';

export function decodeFrameMessage(raw: WireFrameMessage): FrameMessage | null {
  try {
    return decodeWire(raw);
  } catch {
    return null;
  }
}

/** The frames of a message read in place (one per mode), or null when it cannot be read. */
export function readFrames(raw: WireFrameMessage | null | undefined): WireBlock[] | null {
  if (!raw) return null;
  try {
    return frameBlocks(raw).frames;
  } catch {
    return null;
  }
}
