/**
 * Workload profiles (model spec §10): a multiplier on a VPS's sliders. `steady` is exactly 1 (no
 * noise); the others draw from the seeded PRNG held in the state.
 */
import type { WorkloadProfile } from '../../shared/model.js';
import { nextFloat, nextNormal } from './rng.js';
import type { SimState } from './state.js';

export function workloadMultiplier(st: SimState, i: number, profile: WorkloadProfile): number {
  const KNOBS = st.params;
  switch (profile) {
    case 'steady':
      return 1;
    case 'bursty': {
      const left = st.dyn.burstLeft[i];
      if (left > 0) {
        st.dyn.burstLeft[i] = left - 1;
        return KNOBS.burstFactor;
      }
      if (nextFloat(st.rng) < KNOBS.burstProbability) {
        st.dyn.burstLeft[i] = KNOBS.burstTicks - 1;
        return KNOBS.burstFactor;
      }
      return 1;
    }
    case 'diurnal': {
      const t = (st.tick * st.tickMs) / 1000;
      return 1 + KNOBS.diurnalAmplitude * Math.sin((2 * Math.PI * t) / KNOBS.diurnalPeriodS);
    }
    case 'randomWalk': {
      const w = st.dyn.walk[i];
      const next = w + KNOBS.walkSigma * nextNormal(st.rng) + KNOBS.walkReversion * (1 - w);
      const clamped = Math.min(KNOBS.walkMax, Math.max(KNOBS.walkMin, next));
      st.dyn.walk[i] = clamped;
      return clamped;
    }
  }
}
