/**
 * A packed tick's block of a frame message holds exactly the integers `encodeValue` gives for each
 * number (WIRE_NULL for a value that is not finite), however the server rounds them: halves of
 * both signs, the doubles next to them, signed zeros, the ends of the int32 range and past them.
 */
import { describe, expect, it } from 'vitest';
import { H, V, writeBlock, type Packed } from '../../../server/lab/packed.js';
import { encodeValue, HOST_WIRE_SCALES, VPS_WIRE_SCALES, WIRE_INT_MAX } from '../../../shared/wire.js';
import { blockSize, WIRE_NULL } from '../../../shared/wireFrame.js';

/** The double next to `x` towards +∞ (`up`) or −∞. */
function next(x: number, up: boolean): number {
  const f = new Float64Array([x]);
  const i = new BigInt64Array(f.buffer);
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  i[0] += x > 0 === up ? 1n : -1n;
  return f[0];
}

/** Scaled values worth trying: ties, their neighbours, zeros, the range's ends and beyond. */
function edgeYs(): number[] {
  const ys = [0, -0, 0.49999999999999994, -0.49999999999999994, 1e-300, -1e-300, NaN, Infinity, -Infinity];
  for (const k of [0, 1, 2, 3, 10, 99, 12345, 2 ** 20, 2 ** 30, WIRE_INT_MAX - 1]) {
    for (const t of [k + 0.5, -(k + 0.5), k, -k]) ys.push(t, next(t, true), next(t, false));
  }
  ys.push(
    WIRE_INT_MAX,
    -WIRE_INT_MAX,
    next(WIRE_INT_MAX, true),
    -next(WIRE_INT_MAX, true),
    2 ** 31,
    -(2 ** 31),
    1e300,
    -1e300,
  );
  return ys;
}

function packedOf(xs: (k: number, v: number) => number, host: (i: number) => number, n: number): Packed {
  const values = new Float64Array(1 + H + n * V);
  for (let i = 0; i < H; i++) values[1 + i] = host(i);
  for (let k = 0; k < V; k++) for (let v = 0; v < n; v++) values[1 + H + k * n + v] = xs(k, v);
  return {
    ids: Array.from({ length: n }, (_, i) => `v${i}`),
    values,
    states: new Uint8Array(n).fill(1),
    attr: null,
  };
}

function expectEncoded(p: Packed): void {
  const n = p.ids.length;
  const out = new Int32Array(blockSize(n) + 3).fill(7);
  expect(writeBlock(p, out, 3)).toBe(3 + blockSize(n));
  const want = (x: number, scale: number) => encodeValue(x, scale) ?? WIRE_NULL;
  const wanted = new Int32Array(out.length).fill(7);
  for (let i = 0; i < H; i++) wanted[3 + i] = want(p.values[1 + i], HOST_WIRE_SCALES[i]);
  for (let v = 0; v < n; v++) wanted[3 + H + v] = 1;
  for (let k = 0; k < V; k++)
    for (let v = 0; v < n; v++)
      wanted[3 + H + (k + 1) * n + v] = want(p.values[1 + H + k * n + v], VPS_WIRE_SCALES[k]);
  const first = out.findIndex((x, i) => x !== wanted[i]);
  const at =
    first < 3 + H + n
      ? `slot ${first}`
      : `metric ${Math.floor((first - 3 - H) / n) - 1} of VPS ${(first - 3 - H) % n}`;
  expect(first, first < 0 ? '' : `${at}: wrote ${out[first]}, encodeValue gives ${wanted[first]}`).toBe(-1);
}

describe('a frame block written from a packed tick', () => {
  it('holds what encodeValue gives at the edges of rounding and of the int32 range', () => {
    const ys = edgeYs();
    // Every edge value on every metric: x chosen so that x × scale lands on it (or the double next to it).
    expectEncoded(
      packedOf(
        (k, v) => ys[v] / VPS_WIRE_SCALES[k],
        (i) => ys[i % ys.length] / HOST_WIRE_SCALES[i],
        ys.length,
      ),
    );
    expectEncoded(
      packedOf(
        (k, v) => ys[v],
        (i) => ys[(i * 7) % ys.length],
        ys.length,
      ),
    );
  });

  it('holds what encodeValue gives for random values of every size and sign', () => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const draw = () => (rnd() - 0.5) * 2 ** Math.floor(rnd() * 70 - 36);
    for (let round = 0; round < 20; round++) expectEncoded(packedOf(draw, draw, 300));
  });
});
