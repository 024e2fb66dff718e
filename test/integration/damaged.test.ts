/**
 * A damaged DATA_DIR never stops the server: each lab is restored on its own; one that cannot be
 * is moved to DATA_DIR/quarantine with the reason, one with a damaged snapshot is rebuilt from its
 * meta and log, a torn last log line is cut, and no lab is ever created over an old one's data.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { http } from './helpers.js';
import { childServers, listening, stop } from './child.js';
import { labsWithOwnLoads } from './disk.js';

const { dataDir: newDataDir, start } = childServers('damaged');

const LABS = ['good', 'meta', 'snap', 'far', 'seq', 'torn'];
const cpu = (i: number) => (i + 1) / 100;
const loadOf = async (url: string, id: string) =>
  (await http(`${url}/api/labs/${id}`)).body.data?.vps?.find((v: { id: string }) => v.id === 'web-1')?.load
    .cpu;

describe('a damaged DATA_DIR', () => {
  it('starts, quarantines what cannot be restored with the reason, and rebuilds the rest', async () => {
    const dataDir = newDataDir();
    const first = start(dataDir);
    const url = await listening(first);
    const ticks = await labsWithOwnLoads(url, ['demo', ...LABS], cpu);
    expect(await stop(first)).toBe(0);

    const lab = (id: string, file: string) => path.join(dataDir, 'labs', id, file);
    const record = (seq: unknown, tick: unknown) =>
      JSON.stringify({
        seq,
        tick,
        by: 'rest',
        command: { type: 'setLoad', vps: 'web-1', load: { cpu: 0.5 } },
      }) + '\n';
    writeFileSync(lab('meta', 'meta.json'), '{}');
    writeFileSync(lab('snap', 'snapshot.json'), '{}');
    appendFileSync(lab('far', 'commands.ndjson'), record(2, 1e12));
    appendFileSync(lab('seq', 'commands.ndjson'), record('two', 50));
    appendFileSync(lab('torn', 'commands.ndjson'), '{"seq":2,"tick":4');
    writeFileSync(lab('demo', 'snapshot.json'), '{"tick": 12, "engines": [');

    const second = start(dataDir);
    const url2 = await listening(second);
    const ids = (await http(`${url2}/api/labs`)).body.data.map((l: { id: string }) => l.id).sort();
    expect(ids).toEqual(['demo', 'good', 'snap', 'torn']);
    // Quarantined with the reason, all their files kept.
    const quarantine = path.join(dataDir, 'quarantine');
    const folders = readdirSync(quarantine);
    const whole = folders.filter((d) => !/-(snapshot|log-tail)$/.test(d));
    const reasons = Object.fromEntries(
      whole.map((d) => [
        d.replace(/-\d{4}-.*$/, ''),
        readFileSync(path.join(quarantine, d, 'reason.txt'), 'utf8'),
      ]),
    );
    expect(Object.keys(reasons).sort()).toEqual(['far', 'meta', 'seq']);
    expect(reasons.meta).toMatch(/meta\.json: version/);
    expect(reasons.far).toMatch(/tick 1000000000000 is beyond/);
    expect(reasons.seq).toMatch(/commands\.ndjson line 2: seq/);
    for (const d of whole) expect(existsSync(path.join(quarantine, d, 'commands.ndjson'))).toBe(true);
    // A damaged snapshot is set aside as it was (not written over), with the reason.
    const snapshots = Object.fromEntries(
      folders
        .filter((d) => d.endsWith('-snapshot'))
        .map((d) => [
          d.replace(/-\d{4}-.*$/, ''),
          readFileSync(path.join(quarantine, d, 'snapshot.json'), 'utf8'),
        ]),
    );
    expect(snapshots).toEqual({ snap: '{}', demo: '{"tick": 12, "engines": [' });
    expect(second.out()).toMatch(/moved to quarantine/);
    // A damaged snapshot is rebuilt from meta and log, at the tick the lab reached; demo is that
    // same lab, not a new one created over its records.
    for (const [i, id] of ['demo', ...LABS].entries()) {
      if (!ids.includes(id)) continue;
      expect(await loadOf(url2, id), id).toBe(cpu(i));
      expect((await http(`${url2}/api/labs/${id}`)).body.data.tick).toBeGreaterThanOrEqual(ticks[id]);
    }
    expect(second.out()).toMatch(/cut a torn last write from the command log/);
    // The torn write is kept, as it was, before it is cut off.
    const tail = folders.find((d) => d.startsWith('torn-') && d.endsWith('-log-tail'))!;
    expect(readFileSync(path.join(quarantine, tail, 'commands.ndjson.tail'), 'utf8')).toBe(
      '{"seq":2,"tick":4',
    );
    expect(second.out()).toMatch(/snapshot\.json: tick: .*set aside/);
    // The torn log takes new records on a line of their own: one acknowledged now survives a kill.
    const next = await http(`${url2}/api/labs/torn/commands`, {
      method: 'POST',
      body: { type: 'setLoad', vps: 'web-1', load: { cpu: 0.77 } },
    });
    expect(next.body.ok).toBe(true);
    await stop(second, 'SIGKILL');
    const third = start(dataDir);
    const url3 = await listening(third);
    expect(await loadOf(url3, 'torn')).toBe(0.77);
    // A new lab may not take a quarantined or running lab's id over its data.
    expect((await http(`${url3}/api/labs`, { method: 'POST', body: { id: 'torn' } })).status).toBe(409);
    await stop(third);
  }, 120_000);
});
