import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileStore, writeAtomic } from '../../../server/lab/store.js';
import { silentLogger } from '../../../server/log.js';
import { fakeScenario } from './fakeEngine.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'store-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('file store', () => {
  it('keeps meta, appended commands and the latest snapshot, in order', async () => {
    const dir = tmp();
    const store = createFileStore(dir, silentLogger());
    await store.create({ version: 1, id: 'a', scenario: fakeScenario(), createdAt: 'now' });
    store.appendCommand('a', { seq: 1, tick: 3, by: 'x', command: { type: 'removeVps', vps: 'vps-0' } });
    store.appendCommand('a', { seq: 2, tick: 5, by: 'rest', command: { type: 'removeVps', vps: 'vps-1' } });
    await store.saveSnapshot('a', {
      tick: 4,
      seq: 1,
      engines: [{ n: 1 }],
      speed: 2,
      paused: true,
      events: [],
      savedAt: 'then',
    });
    await store.saveSnapshot('a', {
      tick: 6,
      seq: 2,
      engines: [{ n: 2 }],
      speed: 2,
      paused: true,
      events: [],
      savedAt: 'later',
    });
    await store.flush();
    const [lab] = await store.load();
    expect(lab.meta.id).toBe('a');
    expect(lab.commands.map((c) => c.seq)).toEqual([1, 2]);
    expect(lab.snapshot).toMatchObject({ tick: 6, engines: [{ n: 2 }] });
    expect(readdirSync(path.join(dir, 'labs', 'a')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('ignores a torn last line of the command log and skips a lab it cannot read', async () => {
    const dir = tmp();
    const store = createFileStore(dir, silentLogger());
    await store.create({ version: 1, id: 'ok', scenario: fakeScenario(), createdAt: 'now' });
    store.appendCommand('ok', { seq: 1, tick: 1, by: 'x', command: { type: 'removeVps', vps: 'vps-0' } });
    await store.flush();
    appendFileSync(path.join(dir, 'labs', 'ok', 'commands.ndjson'), '{"seq":2,"tick":');
    mkdirSync(path.join(dir, 'labs', 'broken'));
    writeFileSync(path.join(dir, 'labs', 'broken', 'meta.json'), '{ not json');
    const labs = await store.load();
    expect(labs.map((l) => l.meta.id)).toEqual(['ok']);
    expect(labs[0].commands).toHaveLength(1);
  });

  it('removes a lab folder', async () => {
    const dir = tmp();
    const store = createFileStore(dir, silentLogger());
    await store.create({ version: 1, id: 'gone', scenario: fakeScenario(), createdAt: 'now' });
    await store.remove('gone');
    expect(await store.load()).toEqual([]);
  });

  it('writes atomically: the target is either the old or the new content', async () => {
    const dir = tmp();
    const file = path.join(dir, 'x.json');
    await writeAtomic(file, 'old');
    await Promise.all(Array.from({ length: 20 }, (_, i) => writeAtomic(file, `new-${i}`)));
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(file, 'utf8')).toMatch(/^new-\d+$/);
    expect(readdirSync(dir)).toEqual(['x.json']);
  });
});
