/**
 * Parts of a saved lab that cannot be read at all, or are empty: a folder where snapshot.json,
 * progress.json, commands.ndjson or meta.json belongs, a zero-byte snapshot or log, a file where a
 * lab's folder belongs. The server starts, restores every lab it can (rebuilt from what is intact),
 * moves each damaged part aside whole with the reason, never deletes or writes over one, and says so.
 * A zero-byte log under a snapshot saved after a command misses that command: the lab is quarantined.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { http } from './helpers.js';
import { childServers, listening, stop } from './child.js';
import { labsWithOwnLoads } from './disk.js';

const { dataDir: newDataDir, start } = childServers('damaged-parts');

const LABS = ['snapdir', 'progdir', 'logdir', 'metadir', 'emptysnap', 'emptylog'];
const cpu = (i: number) => (i + 11) / 100;
const state = async (url: string, id: string) => (await http(`${url}/api/labs/${id}`)).body.data;
const webCpu = (s: { vps: { id: string; load: { cpu: number } }[] }) =>
  s.vps.find((v) => v.id === 'web-1')!.load.cpu;

/** Replace `file` by a folder holding one file of its own. */
function folderInstead(file: string): void {
  rmSync(file, { force: true });
  mkdirSync(file);
  writeFileSync(path.join(file, 'inside.txt'), 'kept');
}

describe('a DATA_DIR with parts that cannot be read', () => {
  it('restores every lab it can, sets each damaged part aside whole with the reason, and saves anew', async () => {
    const dataDir = newDataDir();
    const first = start(dataDir);
    const url = await listening(first);
    const ticks = await labsWithOwnLoads(url, LABS, cpu);
    expect(await stop(first)).toBe(0);

    const file = (id: string, name: string) => path.join(dataDir, 'labs', id, name);
    for (const id of LABS) expect(existsSync(file(id, 'snapshot.json')), id).toBe(true);
    folderInstead(file('snapdir', 'snapshot.json'));
    folderInstead(file('progdir', 'progress.json'));
    folderInstead(file('logdir', 'commands.ndjson'));
    folderInstead(file('metadir', 'meta.json'));
    writeFileSync(file('emptysnap', 'snapshot.json'), '');
    writeFileSync(file('emptylog', 'commands.ndjson'), '');
    writeFileSync(path.join(dataDir, 'labs', 'stray'), 'not a lab');
    mkdirSync(path.join(dataDir, 'labs', 'copied lab'));

    const second = start(dataDir);
    const url2 = await listening(second);
    const ids = (await http(`${url2}/api/labs`)).body.data.map((l: { id: string }) => l.id).sort();
    expect(ids).toEqual(['demo', 'emptysnap', 'progdir', 'snapdir']);
    // Each restored lab is the one it was: its command applied, at least at the tick it had reached.
    for (const [i, id] of LABS.entries()) {
      if (!ids.includes(id)) continue;
      const s = await state(url2, id);
      expect(webCpu(s), id).toBe(cpu(i));
      expect(s.tick, id).toBeGreaterThanOrEqual(ticks[id]);
    }

    // What could not be read is in quarantine, whole: the folders with what they held, the reason beside.
    const quarantine = path.join(dataDir, 'quarantine');
    const aside = Object.fromEntries(
      readdirSync(quarantine).map((d) => [d.replace(/-\d{4}-\d\d-.*?Z(-|$)/, '$1'), d]),
    );
    expect(Object.keys(aside).sort()).toEqual([
      'emptylog',
      'emptysnap-snapshot',
      'logdir',
      'metadir',
      'progdir-progress',
      'snapdir-snapshot',
    ]);
    const q = (key: string, ...names: string[]) => path.join(quarantine, aside[key], ...names);
    expect(readFileSync(q('snapdir-snapshot', 'snapshot.json', 'inside.txt'), 'utf8')).toBe('kept');
    expect(readFileSync(q('snapdir-snapshot', 'reason.txt'), 'utf8')).toMatch(
      /snapshot\.json: cannot be read \(EISDIR/,
    );
    expect(readFileSync(q('progdir-progress', 'progress.json', 'inside.txt'), 'utf8')).toBe('kept');
    expect(readFileSync(q('progdir-progress', 'reason.txt'), 'utf8')).toMatch(
      /progress\.json: cannot be read \(EISDIR/,
    );
    expect(statSync(q('emptysnap-snapshot', 'snapshot.json')).size).toBe(0);
    expect(readFileSync(q('emptysnap-snapshot', 'reason.txt'), 'utf8')).toMatch(
      /snapshot\.json: not valid JSON/,
    );
    expect(readFileSync(q('logdir', 'commands.ndjson', 'inside.txt'), 'utf8')).toBe('kept');
    expect(readFileSync(q('logdir', 'reason.txt'), 'utf8')).toMatch(
      /commands\.ndjson: cannot be read \(EISDIR/,
    );
    expect(existsSync(q('logdir', 'snapshot.json'))).toBe(true);
    expect(readFileSync(q('metadir', 'meta.json', 'inside.txt'), 'utf8')).toBe('kept');
    expect(readFileSync(q('metadir', 'reason.txt'), 'utf8')).toMatch(/meta\.json: cannot be read \(EISDIR/);
    expect(readFileSync(q('emptylog', 'reason.txt'), 'utf8')).toMatch(
      /commands\.ndjson: misses records 1 to 1,.*the log holds no record/,
    );
    // The log says which file and why.
    const out = second.out();
    expect(out).toMatch(/"lab":"snapdir".*snapshot\.json: cannot be read \(EISDIR.*moved aside/);
    expect(out).toMatch(/"lab":"logdir".*commands\.ndjson: cannot be read.*moved to quarantine/);
    expect(out).toMatch(/labs\/stray.*files where lab folders belong/);
    expect(out).toMatch(/labs\/copied lab.*folders whose names are no lab id/);
    // The file where a lab's folder belongs is left alone, and its name is not given to a new lab.
    expect((await http(`${url2}/api/labs`, { method: 'POST', body: { id: 'stray' } })).status).toBe(409);
    expect(readFileSync(path.join(dataDir, 'labs', 'stray'), 'utf8')).toBe('not a lab');

    // The labs save their parts anew in place, and the next start reads them back without a word.
    expect(await stop(second)).toBe(0);
    expect(statSync(file('snapdir', 'snapshot.json')).isFile()).toBe(true);
    expect(statSync(file('progdir', 'progress.json')).isFile()).toBe(true);
    const third = start(dataDir);
    const url3 = await listening(third);
    expect(webCpu(await state(url3, 'snapdir'))).toBe(cpu(0));
    expect(webCpu(await state(url3, 'progdir'))).toBe(cpu(1));
    expect(third.out()).not.toMatch(/set aside|moved aside|quarantine/);
    expect(readdirSync(quarantine)).toHaveLength(6);
    await stop(third);
  }, 150_000);
});
