/**
 * Workload profiles (model spec §10): a multiplier on a VPS's sliders. `steady` is exactly 1 (no
 * noise); the others draw from the seeded PRNG held in the state, in VPS order, one tick at a time.
 */
import type { SimState } from './state.js';

/** Profile codes (index into `PROFILE_CODES` of plan.ts). */
const BURSTY = 1;
const DIURNAL = 2;
const RANDOM_WALK = 3;
const TWO_PI = 2 * Math.PI;

/**
 * This tick's multiplier of every VPS into `out` (1 for `steady`). The PRNG (sfc32, rng.ts) is
 * stepped inline on local copies of its four words, in the same order as one `nextFloat` or
 * `nextNormal` call per draw would, so the results are those of rng.ts bit for bit.
 */
export function workloadMultipliers(st: SimState, code: Uint8Array, n: number, out: Float64Array): void {
  const KNOBS = st.params;
  const dyn = st.dyn;
  const walk = dyn.walk,
    burstLeft = dyn.burstLeft;
  const sigma = KNOBS.walkSigma,
    reversion = KNOBS.walkReversion,
    walkMin = KNOBS.walkMin,
    walkMax = KNOBS.walkMax;
  const burstFactor = KNOBS.burstFactor,
    burstProbability = KNOBS.burstProbability,
    burstTicks = KNOBS.burstTicks;
  const diurnal =
    1 +
    KNOBS.diurnalAmplitude * Math.sin((2 * Math.PI * ((st.tick * st.tickMs) / 1000)) / KNOBS.diurnalPeriodS);
  const rng = st.rng;
  let a = rng[0],
    b = rng[1],
    c = rng[2],
    d = rng[3];
  for (let i = 0; i < n; i++) {
    const k = code[i];
    if (k === RANDOM_WALK) {
      // nextNormal: u = 1 − nextFloat, v = nextFloat (Box–Muller, one value).
      let t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (((c << 21) | (c >>> 11)) + t) | 0;
      const u = 1 - (t >>> 0) / 4294967296;
      t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (((c << 21) | (c >>> 11)) + t) | 0;
      const v = (t >>> 0) / 4294967296;
      const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(TWO_PI * v);
      const w = walk[i];
      const next = w + sigma * normal + reversion * (1 - w);
      const clamped = Math.min(walkMax, Math.max(walkMin, next));
      walk[i] = clamped;
      out[i] = clamped;
    } else if (k === BURSTY) {
      const left = burstLeft[i];
      if (left > 0) {
        burstLeft[i] = left - 1;
        out[i] = burstFactor;
        continue;
      }
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (((c << 21) | (c >>> 11)) + t) | 0;
      if ((t >>> 0) / 4294967296 < burstProbability) {
        burstLeft[i] = burstTicks - 1;
        out[i] = burstFactor;
      } else out[i] = 1;
    } else if (k === DIURNAL) out[i] = diurnal;
    else out[i] = 1;
  }
  rng[0] = a;
  rng[1] = b;
  rng[2] = c;
  rng[3] = d;
}
