/**
 * Names under DATA_DIR/labs the server did not write. Opening the store deletes the temporary
 * files its own interrupted writes left (`meta.json.<pid>.<stamp>.tmp`), and nothing else: a
 * user's `notes.tmp`, or a copy of a lab kept in a folder named `backup.tmp`, stay as they are.
 * A lab folder holding no lab (what a kill -9 in the middle of the first start's demo creation
 * leaves: an empty folder, or one with only a temporary file) is named in the log, and does not
 * count as a saved lab: the demo lab is made. The real server, on a DATA_DIR it saved.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { http } from './helpers.js';
import { appliedLoads } from './disk.js';
import { childServers, listening, stop } from './child.js';

const { dataDir: newDataDir, start } = childServers('folder-names');

describe('files in a lab folder the server did not write', () => {
  it('are left as they are; only the temporary files of its own interrupted writes are deleted', async () => {
    const dataDir = newDataDir();
    const first = start(dataDir);
    const url = await listening(first);
    const set = await http(`${url}/api/labs/demo/commands`, {
      method: 'POST',
      body: { type: 'setLoad', vps: 'web-1', load: { cpu: 0.4242 } },
    });
    expect(set.body.ok).toBe(true);
    expect(await stop(first)).toBe(0);

    const lab = path.join(dataDir, 'labs', 'demo');
    const backup = path.join(lab, 'backup.tmp');
    mkdirSync(backup);
    const log = readFileSync(path.join(lab, 'commands.ndjson'), 'utf8');
    writeFileSync(path.join(backup, 'commands.ndjson'), log);
    writeFileSync(path.join(lab, 'notes.tmp'), 'my notes');
    writeFileSync(path.join(lab, 'snapshot.json.4242.m0abc1x2y.tmp'), '{"tick": 12, "engi');

    const second = start(dataDir);
    const url2 = await listening(second);
    expect(await appliedLoads(url2)).toContain(0.4242);
    expect(readdirSync(lab).filter((n) => n.endsWith('.tmp'))).toEqual(['backup.tmp', 'notes.tmp']);
    expect(readFileSync(path.join(backup, 'commands.ndjson'), 'utf8')).toBe(log);
    expect(readFileSync(path.join(lab, 'notes.tmp'), 'utf8')).toBe('my notes');
    expect(second.out()).toMatch(/"files":\["snapshot\.json\.4242\.m0abc1x2y\.tmp"\]/);
  }, 60_000);
});

describe('a lab folder holding no lab', () => {
  it('is named in the log and left as it is; a DATA_DIR holding only such folders gets the demo lab', async () => {
    const dataDir = newDataDir();
    const labs = path.join(dataDir, 'labs');
    // A kill -9 between the demo folder's creation and its meta.json's rename into place.
    mkdirSync(path.join(labs, 'demo'), { recursive: true });
    writeFileSync(path.join(labs, 'demo', 'meta.json.77.m0abc1z9q.tmp'), '{"version":1,"id":"de');
    mkdirSync(path.join(labs, 'other'));
    writeFileSync(path.join(labs, 'other', 'notes.txt'), 'kept');

    const server = start(dataDir);
    const url = await listening(server);
    expect((await http(`${url}/api/labs`)).body.data.map((l: { id: string }) => l.id)).toEqual(['demo']);
    expect(readdirSync(path.join(labs, 'demo'))).toContain('meta.json');
    expect(readFileSync(path.join(labs, 'other', 'notes.txt'), 'utf8')).toBe('kept');
    const said = server
      .out()
      .split('\n')
      .filter((l) => l.includes('hold no lab'));
    expect(said.join('\n')).toContain(path.join(labs, 'other'));
    expect(await stop(server)).toBe(0);
  }, 60_000);
});
