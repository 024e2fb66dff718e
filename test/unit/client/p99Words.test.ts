/**
 * The card's words under a p99 and the explanation line read one verdict: batch-1 read "as if
 * alone" under its p99 while its line said "batch-1 p99 ×1.2: ci-1 holds 28 % …". Both now name the
 * ratio from the same threshold.
 */
import { describe, expect, it } from 'vitest';
import { P99_NAMED_RATIO, explain, p99Ratio, p99Words } from '../../../client/src/lib/explain.js';
import { frame, vpsMetrics } from './frames.js';

const host = { cores: 16, ramGiB: 64, diskIops: 100_000, netMbps: 10_000, memBwGBs: 100 };

/** A VPS with an attribution edge from ci-1 and this p99 against 100 ms alone. */
function lineAndWords(p99Ms: number): { line: string | null; words: string } {
  const vps = vpsMetrics('batch-1', { latencyP99Ms: p99Ms, latencyP99IsolatedMs: 100, degradation: 0 });
  const ci = vpsMetrics('ci-1', { cpuGranted: 4.5 });
  const f = frame(10, [vps, ci], {
    attribution: [{ victim: 'batch-1', culprit: 'ci-1', resource: 'cpu', share: 0.6 }],
  });
  const line = explain({ vps, frame: f, faults: [], hostFaults: [], mode: 'para', host });
  return { line, words: p99Words(p99Ratio(vps)) };
}

describe('the p99 words and the explanation line', () => {
  it('name the ratio together from the threshold, and read as if alone together below it', () => {
    const below = lineAndWords(100 * P99_NAMED_RATIO - 0.01);
    expect(below.words).toBe('as if alone');
    expect(below.line).toMatch(/^batch-1: ci-1 holds/);

    const at = lineAndWords(100 * P99_NAMED_RATIO);
    expect(at.words).toBe('×1.1 vs alone');
    expect(at.line).toMatch(/^batch-1 p99 ×1\.1: ci-1 holds/);
  });

  it('agree on every ratio between the threshold and suffering (×1.5)', () => {
    for (let p99 = 100; p99 <= 160; p99 += 0.5) {
      const { line, words } = lineAndWords(p99);
      const named = /^batch-1 p99 (×[\d.]+):/.exec(line ?? '')?.[1];
      if (named) expect(words, `p99 ${p99} ms`).toBe(`${named} vs alone`);
      else expect(words, `p99 ${p99} ms`).toBe('as if alone');
    }
  });

  it('say as if alone for a VPS whose ratio is unknown', () => {
    expect(p99Words(p99Ratio(vpsMetrics('web-1', { latencyP99IsolatedMs: 0 })))).toBe('as if alone');
  });
});
