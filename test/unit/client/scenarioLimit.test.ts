import { describe, expect, it } from 'vitest';
import { MAX_DURATION_S } from '../../../shared/commands.js';
import { exportDurationS, PAST_A_WEEK, scenarioRefusal } from '../../../client/src/lib/scenarioLimit.js';

describe('the scenario export past a week', () => {
  it('counts the simulated time as the export names it: the end of the newest tick', () => {
    expect(exportDurationS(-1, 100)).toBe(0.1);
    expect(exportDurationS(0, 100)).toBe(0.1);
    expect(exportDurationS(9, 100)).toBe(1);
    expect(exportDurationS(60_479, 10_000)).toBe(MAX_DURATION_S);
  });

  it('is offered up to a week and refused with its reason past it', () => {
    expect(scenarioRefusal(-1, 10_000)).toBeNull();
    // 60 480 ticks of 10 s are the week exactly (the newest frame's tick is 60 479).
    expect(scenarioRefusal(60_479, 10_000)).toBeNull();
    expect(scenarioRefusal(60_480, 10_000)).toBe(PAST_A_WEEK);
    expect(scenarioRefusal(MAX_DURATION_S * 10, 100)).toBe(PAST_A_WEEK);
    expect(scenarioRefusal(MAX_DURATION_S * 10 - 1, 100)).toBeNull();
    expect(PAST_A_WEEK).toBe('Past a week of simulated time: a scenario file holds at most 7 days');
  });
});
