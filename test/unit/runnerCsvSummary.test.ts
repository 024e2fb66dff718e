/**
 * A CSV run whose summaries nobody reads (rows to stdout, no report on stderr) sums no tick into
 * them: the same rows, and no summary in its results.
 */
import { describe, expect, it } from 'vitest';
import { Progress } from '../../server/cli/report.js';
import { writeRuns, type RunMeta } from '../../server/cli/write.js';
import { createRun } from '../../server/scenario.js';
import type { Scenario } from '../../shared/commands.js';

const TICKS = 50;

const scenario: Scenario = {
  name: 'two',
  seed: 3,
  tickMs: 100,
  mode: 'para',
  host: { cores: 4, ramGiB: 16, diskIops: 10000, netMbps: 1000, memBwGBs: 50 },
  vps: ['a', 'b'].map((id) => ({ id, vcpus: 2, ramGiB: 2, diskIops: 1000, netMbps: 100 })),
};

const meta: RunMeta = {
  scenario: 'two',
  seed: 3,
  tickMs: 100,
  durationS: TICKS / 10,
  mode: 'para',
  ticks: TICKS,
  version: 'test',
};

async function csv(csvSummary: boolean): Promise<{ text: string; summary: unknown }> {
  const r = await createRun(scenario);
  if (!r.ok) throw new Error('scenario');
  let text = '';
  const results = await writeRuns(
    { write: (s) => void (text += s) },
    { format: 'csv', compare: false, units: 'header', csvSummary },
    meta,
    [r.data],
    TICKS,
    new Progress(TICKS, null),
  );
  return { text, summary: results[0].summary };
}

describe('CSV without a report', () => {
  it('writes the same rows and keeps no summary', async () => {
    const kept = await csv(true);
    const skipped = await csv(false);
    expect(skipped.text).toBe(kept.text);
    expect(skipped.summary).toBeNull();
    expect(kept.summary).toMatchObject({ ticks: TICKS });
  });
});
