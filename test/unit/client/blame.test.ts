import { describe, expect, it } from 'vitest';
import type { Attribution } from '../../../shared/model.js';
import { Blame } from '../../../client/src/lib/blame.js';

const edge = (victim: string, culprit: string, share: number, resource: Attribution['resource'] = 'cpu'): Attribution => ({
  victim,
  culprit,
  resource,
  share,
});

describe('blame as shown', () => {
  it('never lists a VPS running a fault of its own as a victim', () => {
    const b = new Blame();
    b.update([edge('batch-1', 'web-1', 1), edge('web-1', 'batch-1', 0.6)], new Set(['batch-1']));
    const g = b.groups();
    expect(g.map((x) => x.culprit)).toEqual(['batch-1']);
    expect(g[0].victims.map((v) => v.victim)).toEqual(['web-1']);
  });

  it('groups victims under their culprit, strongest group first', () => {
    const b = new Blame();
    b.update([edge('web-1', 'batch-1', 0.5), edge('db-1', 'batch-1', 0.4), edge('web-1', 'ci-1', 0.3)], new Set());
    expect(b.groups().map((g) => [g.culprit, g.victims.map((v) => v.victim)])).toEqual([
      ['batch-1', ['web-1', 'db-1']],
      ['ci-1', ['web-1']],
    ]);
  });

  it('does not flip when one tick names another culprit', () => {
    const b = new Blame();
    for (let i = 0; i < 20; i++) b.update([edge('web-1', 'batch-1', 0.8, 'disk')], new Set());
    b.update([edge('web-1', 'db-1', 0.9, 'dom0')], new Set());
    expect(b.groups()[0].culprit).toBe('batch-1');
    // A lasting change does win after a while.
    for (let i = 0; i < 30; i++) b.update([edge('web-1', 'db-1', 0.9, 'dom0')], new Set());
    expect(b.groups()[0].culprit).toBe('db-1');
    expect(b.groups().some((g) => g.culprit === 'batch-1')).toBe(false);
  });
});
