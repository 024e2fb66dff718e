/**
 * sfc32, a small fast 32-bit PRNG whose whole state is four 32-bit words. The state lives in the
 * simulation state (saved and restored with it), so runs are reproducible from the seed.
 */
export type RngState = Uint32Array;

/** A fresh state from a 32-bit seed (warmed up so nearby seeds diverge). */
export function seedRng(seed: number): RngState {
  const s = new Uint32Array([0x9e3779b9, 0x243f6a88, 0xb7e15162, seed >>> 0]);
  for (let i = 0; i < 15; i++) nextU32(s);
  return s;
}

/** Next 32-bit unsigned integer; advances the state in place. */
export function nextU32(s: RngState): number {
  const a = s[0],
    b = s[1],
    c = s[2],
    d = s[3];
  const t = (((a + b) | 0) + d) | 0;
  s[3] = (d + 1) | 0;
  s[0] = b ^ (b >>> 9);
  s[1] = (c + (c << 3)) | 0;
  const r = (c << 21) | (c >>> 11);
  s[2] = (r + t) | 0;
  return t >>> 0;
}

/** Uniform in [0, 1). */
export function nextFloat(s: RngState): number {
  return nextU32(s) / 4294967296;
}

/** Standard normal (Box–Muller, one value per call). */
export function nextNormal(s: RngState): number {
  const u = 1 - nextFloat(s);
  const v = nextFloat(s);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
