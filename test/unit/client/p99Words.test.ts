/**
 * The card's words under a p99 and the explanation line read one verdict: batch-1 read "as if
 * alone" under its p99 while its line said "batch-1 p99 ×1.2: ci-1 holds 28 % …". Both now name the
 * ratio from the same threshold.
 */
import { describe, expect, it } from 'vitest';
import type { HostMetrics, ModeId, VpsMetrics } from '../../../shared/model.js';
import {
  P99_NAMED_RATIO,
  explain,
  explainWhy,
  p99Ratio,
  p99Words,
  type ExplainInput,
} from '../../../client/src/lib/explain.js';
import { frame, hostMetrics, vpsMetrics } from './frames.js';

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

/**
 * A card read "×1.2 vs alone" under its p99 while its line said "Unaffected by its neighbours": no
 * attribution edge, so no line. Whenever the words name a ratio, the line now says what raised it.
 */
describe('a p99 named as raised with no neighbour to blame', () => {
  /** web-1 (200 IOPS of its own) beside an idle db-1, no edge, with this p99 against 100 ms alone. */
  function alone(
    over: Partial<VpsMetrics>,
    at: { mode?: ModeId; faults?: ExplainInput['faults']; host?: Partial<HostMetrics> } = {},
  ) {
    const vps = vpsMetrics('web-1', { latencyP99IsolatedMs: 100, diskServedIops: 200, ...over });
    const f = frame(10, [vps, vpsMetrics('db-1')], { host: hostMetrics(at.host) });
    const why = explainWhy({
      vps,
      frame: f,
      faults: at.faults ?? [],
      hostFaults: [],
      mode: at.mode ?? 'full',
      host,
    });
    return { why, words: p99Words(p99Ratio(vps)) };
  }

  it('gets a line on every ratio the words name, and none where they read as if alone', () => {
    for (let p99 = 100; p99 <= 160; p99 += 0.5) {
      const { why, words } = alone({ latencyP99Ms: p99 });
      if (words === 'as if alone') expect(why, `p99 ${p99} ms`).toBeNull();
      else {
        expect(why?.text, `p99 ${p99} ms`).toBe(
          `web-1 p99 ${words.replace(' vs alone', '')}: its neighbours' combined load on the shared host, no single neighbour to blame (none above its fair share)`,
        );
        // Its neighbours together: who-hurts-whom counts it as a victim of contention spread over many.
        expect(why?.self).toBe(false);
      }
    }
  });

  it('names its own fault, and then blames no neighbour', () => {
    const { why, words } = alone(
      { latencyP99Ms: 120 },
      { faults: [{ vps: 'web-1', fault: 'memory_leak', sinceTick: 1 }] },
    );
    expect(words).toBe('×1.2 vs alone');
    expect(why).toEqual({ text: 'web-1 p99 ×1.2: its own memory_leak', self: true });
  });

  it("names Dom0's backends under para, and the host OS under hosted, when they are busy with everyone's I/O", () => {
    expect(alone({ latencyP99Ms: 130 }, { mode: 'para', host: { dom0CpuUtil: 0.73 } }).why?.text).toBe(
      "web-1 p99 ×1.3: Dom0 is 73 % busy with every guest's I/O: its own waits in Dom0's backends",
    );
    expect(alone({ latencyP99Ms: 130 }, { mode: 'hosted', host: { hostOsCpuUtil: 0.6 } }).why?.text).toBe(
      "web-1 p99 ×1.3: the host OS is 60 % busy with every guest's I/O: its own waits there",
    );
  });

  it('names the scheduler wait on a shared CPU', () => {
    expect(alone({ latencyP99Ms: 140, schedWaitMs: 3.9 }, { mode: 'para' }).why?.text).toBe(
      'web-1 p99 ×1.4: scheduler wait 3.90 ms on a busy shared CPU',
    );
  });
});
