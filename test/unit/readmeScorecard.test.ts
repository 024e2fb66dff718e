/**
 * The README shows the scorecard "as it stands, reproduced exactly by the same seed": every row
 * `npm run scorecard -- --markdown` prints must be in the README, cell for cell (prettier pads the
 * README's tables, so cells are compared trimmed). A model change that moves a figure fails here
 * until the README says what the scorecard says.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runProcess } from './runProcess.js';

/** A markdown table row as its trimmed cells; null for a separator or a line that is not a row. */
function cells(line: string): string | null {
  const t = line.trim();
  if (!t.startsWith('|') || /^\|[\s|:-]+\|$/.test(t)) return null;
  return t
    .slice(1, -1)
    .split('|')
    .map((c) => c.trim())
    .join(' | ');
}

describe('README scorecard', () => {
  it('holds every row the scorecard prints, as printed', async () => {
    const ran = await runProcess(
      process.execPath,
      ['--import', 'tsx', 'server/cli/scorecard.ts', '--markdown'],
      ROOT,
    );
    expect(ran.code, ran.stderr).toBe(0);
    const printed = ran.stdout
      .split('\n')
      .map(cells)
      .filter((r): r is string => r !== null);
    expect(printed.length).toBeGreaterThan(30);
    const readme = new Set(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').map(cells));
    const missing = printed.filter((r) => !readme.has(r));
    expect(missing, 'rows the scorecard prints that the README does not show').toEqual([]);
    const verdicts = ran.stdout.split('\n').filter((l) => /demanded cells in their category/.test(l));
    for (const v of verdicts) expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(v.trim());
  }, 120_000);
});
