/**
 * A reset or a deletion renames a lab's folder in DATA_DIR/labs; it holds after a crash only once
 * that folder is flushed to disk. When the flush fails (an I/O error, made to happen here by the
 * file store's folder flush given to it), the change is answered as failed naming what failed, the
 * rename is undone, and the lab, running and saved, is as it was: also after a restart.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openFileStore } from '../../server/lab/fileStore.js';
import { syncDir } from '../../server/lab/fileSwap.js';
import { silentLogger } from '../../server/log.js';
import { http, postCommand, removeDir, startServer, type TestServer } from './helpers.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'labs-flush-'));
const labs = path.join(dataDir, 'labs');
/** The folder whose flush fails, EIO; none by default. */
let failing: string | null = null;
/** Run as the flush fails: what keeps the rename from being undone (a folder in its way). */
let inTheWay: (() => void) | null = null;
const flush = async (dir: string) => {
  if (dir === failing) {
    inTheWay?.();
    throw Object.assign(new Error(`EIO: i/o error, fsync '${dir}'`), { code: 'EIO', syscall: 'fsync' });
  }
  await syncDir(dir);
};
let t: TestServer | undefined;
afterAll(async () => {
  await t?.close();
  removeDir(dataDir);
});

const setLoad = (cpu: number) => ({ type: 'setLoad', vps: 'web-1', load: { cpu } });
const webLoad = async (url: string, id = 'a'): Promise<number> =>
  (await http(`${url}/api/labs/${id}`)).body.data.vps.find((v: { id: string }) => v.id === 'web-1').load.cpu;
const loggedLoads = (id = 'a') =>
  readFileSync(path.join(labs, id, 'commands.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).command?.load?.cpu as number);

describe('a failed flush of DATA_DIR/labs', () => {
  it('fails a reset naming it; the lab goes on as it was, saved as it was', async () => {
    t = await startServer({
      dataDir,
      store: await openFileStore(dataDir, silentLogger(), { syncDir: flush }),
    });
    expect(
      (await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'a', preset: 'demo' } })).status,
    ).toBe(201);
    expect((await postCommand(t, 'a', setLoad(0.777))).ok).toBe(true);
    t.advance(1000);
    const tick = (await http(`${t.url}/api/labs/a`)).body.data.tick as number;
    expect(tick).toBeGreaterThan(0);

    failing = labs;
    const r = await http(`${t.url}/api/labs/a/reset`, { method: 'POST' });
    expect(r.status).toBe(500);
    expect(r.body.error.code).toBe('INTERNAL');
    expect(r.body.error.message).toMatch(
      /DATA_DIR\/labs could not be flushed to disk .*\(EIO\).*nothing changed/,
    );
    expect((await http(`${t.url}/api/labs/a`)).body.data.tick).toBeGreaterThanOrEqual(tick);
    expect(await webLoad(t.url)).toBe(0.777);
    expect(readdirSync(labs)).toEqual(['a']);
    expect(loggedLoads()).toEqual([0.777]);

    // Its log goes on where it was.
    failing = null;
    expect((await postCommand(t!, 'a', setLoad(0.555))).ok).toBe(true);
    expect(loggedLoads()).toEqual([0.777, 0.555]);
  });

  it('fails a deletion naming it; the lab stays, running and saved', async () => {
    failing = labs;
    const r = await http(`${t!.url}/api/labs/a`, { method: 'DELETE' });
    expect(r.status).toBe(500);
    expect(r.body.error.message).toMatch(
      /DATA_DIR\/labs could not be flushed to disk .*\(EIO\).*nothing was deleted/,
    );
    expect(readdirSync(labs)).toEqual(['a']);
    failing = null;
    expect((await postCommand(t!, 'a', setLoad(0.333))).ok).toBe(true);
    expect(loggedLoads()).toEqual([0.777, 0.555, 0.333]);
  });

  it('that cannot be undone either leaves the reset standing, applied, and says so', async () => {
    expect(
      (await http(`${t!.url}/api/labs`, { method: 'POST', body: { id: 'b', preset: 'demo' } })).status,
    ).toBe(201);
    const startLoad = await webLoad(t!.url, 'b');
    expect((await postCommand(t!, 'b', setLoad(0.777))).ok).toBe(true);
    failing = labs;
    inTheWay = () => mkdirSync(path.join(labs, '.new-b', 'in-the-way'), { recursive: true });
    const r = await http(`${t!.url}/api/labs/b/reset`, { method: 'POST' });
    failing = null;
    inTheWay = null;
    expect(r.status).toBe(500);
    expect(r.body.error.message).toMatch(
      /^the reset is applied, but DATA_DIR\/labs could not be flushed to disk .*\(EIO\): after a crash/,
    );
    // The lab runs as the store holds it: at its start, its log begun again.
    expect(await webLoad(t!.url, 'b')).toBe(startLoad);
    expect((await postCommand(t!, 'b', setLoad(0.444))).ok).toBe(true);
    expect(loggedLoads('b')).toEqual([0.444]);
    removeDir(path.join(labs, '.new-b'));
    expect(readdirSync(labs)).toEqual(['a', 'b']);
  });

  it('that cannot be undone either leaves the deletion standing, and says so', async () => {
    failing = labs;
    inTheWay = () => mkdirSync(path.join(labs, 'b', 'in-the-way'), { recursive: true });
    const r = await http(`${t!.url}/api/labs/b`, { method: 'DELETE' });
    failing = null;
    inTheWay = null;
    expect(r.status).toBe(500);
    expect(r.body.error.message).toMatch(
      /^the lab is deleted, but DATA_DIR\/labs could not be flushed to disk .*\(EIO\): after a crash/,
    );
    expect((await http(`${t!.url}/api/labs/b`)).status).toBe(404);
    removeDir(path.join(labs, 'b'));
  });

  it('leaves the labs to come back after a restart as they ran', async () => {
    await t!.close();
    t = await startServer({ dataDir });
    expect(await webLoad(t.url)).toBe(0.333);
    expect((await http(`${t.url}/api/labs`)).body.data.map((l: { id: string }) => l.id)).toEqual(['a']);
    expect(readdirSync(labs)).toEqual(['a']);
  });
});
