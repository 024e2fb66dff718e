/**
 * Damaged lab data in Redis is named as Redis holds it: a process taking the lab over says which
 * key is damaged (the snapshot's string, the log's stream), not a file the cluster does not have
 * (snapshot.json, commands.ndjson). A damaged snapshot is kept as it was under
 * `contention:setAside` with the reason, then replaced (the lab is rebuilt from its meta and log);
 * a damaged log (one that does not parse, or misses records) sets the lab aside with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { http } from '../helpers.js';
import { ownerAndOther, stopCluster, type OwnerAndOther } from './fixture.js';

let c: OwnerAndOther | undefined;

beforeAll(async () => {
  c = await ownerAndOther('snapped');
  for (const id of ['logged', 'gapped']) {
    const made = await http(`${c.owner.url}/api/labs`, {
      method: 'POST',
      body: { id, preset: 'demo' },
      headers: { 'x-contention-forwarded': 'test' },
    });
    expect(made.status, made.text).toBe(201);
  }
}, 120_000);

afterAll(async () => {
  await stopCluster(c);
});

describe('damaged lab data in Redis, taken over', () => {
  it('is named by its Redis key', async () => {
    const { owner, other, peek } = c!;
    await owner.kill();
    await peek.set(keys.snapshot('snapped'), 'not json');
    await peek.xadd(keys.log('logged'), '*', 'r', '{"seq":');
    // A whole record, but records 1 and 2 are not in the stream before it.
    const command = { type: 'setLoad', vps: 'web-1', load: { cpu: 0.5 } };
    await peek.xadd(keys.log('gapped'), '*', 'r', JSON.stringify({ seq: 3, tick: 0, by: 'x', command }));
    await expect
      .poll(async () => (await http(`${other.url}/healthz`)).body.data.owns, {
        timeout: 30_000,
        interval: 200,
      })
      .toContain('snapped');
    await expect
      .poll(() => peek.hexists(keys.quarantined, 'logged'), { timeout: 30_000, interval: 200 })
      .toBe(1);

    const { reason } = JSON.parse((await peek.hget(keys.quarantined, 'logged'))!) as { reason: string };
    expect(reason).toMatch(new RegExp(`^${keys.log('logged')} entry \\d+: not valid JSON`));
    expect(reason).not.toMatch(/ndjson|\.json/);
    await expect
      .poll(() => peek.hexists(keys.quarantined, 'gapped'), { timeout: 30_000, interval: 200 })
      .toBe(1);
    const gapped = JSON.parse((await peek.hget(keys.quarantined, 'gapped'))!) as { reason: string };
    expect(gapped.reason).toMatch(
      new RegExp(`^${keys.log('gapped')} entry 1: seq: 3 where 1 was expected; records 1 to 2 are missing`),
    );

    // (Its log reaches this process through a pipe, possibly after its answers over HTTP.)
    const notes = (): string =>
      other
        .output()
        .split('\n')
        .filter((l) => l.includes('"lab":"snapped"') && l.includes('"note"'))
        .join('\n');
    await expect
      .poll(notes, { timeout: 10_000, interval: 100 })
      .toContain(`${keys.snapshot('snapped')}: not valid JSON`);
    expect(notes()).not.toMatch(/snapshot\.json/);

    // The damaged snapshot is kept as it was, with why, and a good one saved in its place.
    const kept = Object.entries(await peek.hgetall(keys.setAside)).filter(([f]) => f.startsWith('snapped-'));
    expect(kept).toHaveLength(1);
    const [field, json] = kept[0]!;
    expect(field).toMatch(/-snapshot$/);
    const entry = JSON.parse(json) as { reason: string; key: string; value: string };
    expect(entry).toMatchObject({ key: keys.snapshot('snapped'), value: 'not json' });
    expect(entry.reason).toContain(`${keys.snapshot('snapped')}: not valid JSON`);
    const parses = async (): Promise<boolean> => {
      try {
        JSON.parse((await peek.get(keys.snapshot('snapped'))) ?? '');
        return true;
      } catch {
        return false;
      }
    };
    await expect.poll(parses, { timeout: 30_000, interval: 200 }).toBe(true);
  }, 90_000);
});
