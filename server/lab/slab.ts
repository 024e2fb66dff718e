/**
 * Int32 arrays for outgoing frame messages, carved from shared 1 MiB slabs: a 256-VPS frame is
 * 26 KB, and allocating each as its own zero-filled ArrayBuffer costs more than encoding it. A
 * region is handed out once and never written again by this module (socket.io and the websocket
 * may still be sending it); a slab is freed by the garbage collector once no message holds a view
 * of it. Slabs are not zero-filled: the caller writes every slot of what it takes.
 */
const SLAB_BYTES = 1 << 20;

let slab: ArrayBuffer = new ArrayBuffer(0);
let used = 0;

/** A new Int32Array of `length` whose slots the caller must all write (their content is undefined until then). */
export function uninitializedInts(length: number): Int32Array {
  const bytes = length * 4;
  if (bytes > SLAB_BYTES / 4) return new Int32Array(length);
  if (used + bytes > slab.byteLength) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES).buffer as ArrayBuffer;
    used = 0;
  }
  const out = new Int32Array(slab, used, length);
  used += bytes;
  return out;
}
