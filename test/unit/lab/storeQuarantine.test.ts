/**
 * What the file store keeps of a damaged lab before it changes anything: the torn last write of a
 * command log, cut off on load, is kept in DATA_DIR/quarantine first, whatever its size; when it
 * cannot be kept, the log is not cut and the load fails naming the lab and what is wrong with it.
 * A file larger than its kind can be is refused by its size, unread.
 */
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FILE_CAPS, openFileStore } from '../../../server/lab/fileStore.js';
import { parseStoredLab } from '../../../server/lab/stored.js';
import type { Store } from '../../../server/lab/store.js';
import { silentLogger } from '../../../server/log.js';
import { fakeScenario } from './fakeEngine.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** A store on a new DATA_DIR holding lab `a` with one record logged; the log file. */
async function labWithLog(): Promise<{ dataDir: string; store: Store; log: string; whole: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'store-q-'));
  dirs.push(dataDir);
  const first = await openFileStore(dataDir, silentLogger());
  await first.create({ version: 1, id: 'a', scenario: fakeScenario(), createdAt: 'now' });
  await first.append('a', { seq: 1, tick: 1, by: 'x', command: { type: 'removeVps', vps: 'v' } });
  await first.close();
  const log = path.join(dataDir, 'labs', 'a', 'commands.ndjson');
  const whole = readFileSync(log, 'utf8');
  const store = await openFileStore(dataDir, silentLogger());
  stores.push(store);
  return { dataDir, store, log, whole };
}

describe('a torn last write of the command log', () => {
  it.each([
    ['a record cut short', '{"seq":2,"tick":3,"by":"x","comm'],
    ['zeros the disk never wrote, a megabyte of them', '\0'.repeat(1 << 20) + '\n'],
  ])('is kept in quarantine with the reason before it is cut off (%s)', async (_name, torn) => {
    const { dataDir, store, log, whole } = await labWithLog();
    appendFileSync(log, torn);
    const raw = await store.load('a');
    expect(raw?.commands).toHaveLength(1);
    expect(readFileSync(log, 'utf8')).toBe(whole);
    const quarantine = path.join(dataDir, 'quarantine');
    const [kept, ...more] = readdirSync(quarantine);
    expect(more).toEqual([]);
    expect(kept).toMatch(/^a-\d{4}-.*-log-tail$/);
    expect(readFileSync(path.join(quarantine, kept, 'commands.ndjson.tail'), 'utf8')).toBe(torn);
    expect(readFileSync(path.join(quarantine, kept, 'reason.txt'), 'utf8')).toContain(
      `commands.ndjson: bytes ${whole.length} to ${whole.length + torn.length}`,
    );
    // Another torn write later is kept beside it, never over it.
    appendFileSync(log, torn);
    await store.load('a');
    expect(readdirSync(quarantine)).toHaveLength(2);
  });

  it('is not cut when it cannot be kept: the load fails naming the lab and the torn write', async () => {
    const { dataDir, store, log, whole } = await labWithLog();
    writeFileSync(path.join(dataDir, 'quarantine'), 'a file where the quarantine folder belongs');
    appendFileSync(log, '{"seq":2,');
    await expect(store.load('a')).rejects.toThrow(
      /lab "a": commands\.ndjson: bytes \d+ to \d+ .*torn last write.*left where it is/,
    );
    expect(readFileSync(log, 'utf8')).toBe(whole + '{"seq":2,');
  });
});

describe('a lab file larger than its kind can be', () => {
  it('is refused by its size, unread: meta quarantines the lab, snapshot and progress are set aside', async () => {
    for (const part of ['meta', 'snapshot', 'progress'] as const) {
      const { dataDir, store } = await labWithLog();
      const name = `${part}.json`;
      const file = path.join(dataDir, 'labs', 'a', name);
      // Sparse: as large as it says, without the disk or the memory (were it read) it would take.
      writeFileSync(file, '');
      truncateSync(file, FILE_CAPS[part] + 1);
      const before = process.memoryUsage().rss;
      const raw = (await store.load('a'))!;
      expect(process.memoryUsage().rss - before, name).toBeLessThan(32 << 20);
      expect(raw.unreadable?.[part], name).toBe(
        `${FILE_CAPS[part] + 1} bytes, over the cap of ${FILE_CAPS[part]} bytes for this file; not read`,
      );
      const lab = parseStoredLab('a', raw);
      if (part === 'meta')
        expect(!lab.ok && lab.error, name).toMatch(/^meta\.json: cannot be read \(\d+ bytes, over the cap/);
      else
        expect(lab.ok && lab.data.setAside, name).toEqual([
          {
            part,
            reason: expect.stringMatching(new RegExp(`^${name}: cannot be read \\(\\d+ bytes, over the cap`)),
          },
        ]);
    }
  });

  it('a command log over its cap is not read: the load fails naming the lab, the log, its size and the cap', async () => {
    const { store, log } = await labWithLog();
    truncateSync(log, FILE_CAPS.commands + 1);
    await expect(store.load('a')).rejects.toThrow(
      `lab "a": commands.ndjson is ${FILE_CAPS.commands + 1} bytes, over the cap of ${FILE_CAPS.commands} bytes`,
    );
  });
});
