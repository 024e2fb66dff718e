/**
 * Damage at the end of a command log that no crash of the server can leave: every write is whole
 * records each ended by its newline, so only the last line without its newline, or zeros the disk
 * never wrote, are a torn write. A whole line (newline-ended) that is not a record is damage, at
 * the end of the log as in its middle: the real server, restarted on it, quarantines the lab with
 * the line named, cuts nothing from the log and keeps every line of it.
 */
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { http, settle, startServer } from './helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A DATA_DIR holding lab `mine` with one acknowledged command logged; its log file. */
async function labWithOneRecord(): Promise<{ dataDir: string; log: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'log-end-'));
  dirs.push(dataDir);
  const t = await startServer({ dataDir });
  const made = await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'mine', preset: 'demo' } });
  expect(made.status, made.text).toBe(201);
  const body = { type: 'setLoad', vps: 'web-1', load: { cpu: 0.3 } };
  const r = await settle(t, http(`${t.url}/api/labs/mine/commands`, { method: 'POST', body }));
  expect(r.status, r.text).toBe(200);
  await t.close();
  return { dataDir, log: path.join(dataDir, 'labs', 'mine', 'commands.ndjson') };
}

describe('a whole line at the end of a command log that is no record', () => {
  it.each([
    ['a last record with its newline but bad JSON', '{"seq":2,"tick":4,"by":"x"\n'],
    ['200 001 lines of garbage', 'garbage\n'.repeat(200_001)],
  ])(
    'quarantines the lab naming the line, and cuts nothing (%s)',
    async (_name, damage) => {
      const { dataDir, log } = await labWithOneRecord();
      appendFileSync(log, damage);
      const t = await startServer({ dataDir });
      try {
        expect(t.server.registry.get('mine')).toBeUndefined();
      } finally {
        await t.close();
      }
      const quarantine = path.join(dataDir, 'quarantine');
      const folders = readdirSync(quarantine);
      expect(folders.filter((d) => d.endsWith('-log-tail'))).toEqual([]);
      const [lab, ...more] = folders;
      expect(more).toEqual([]);
      expect(readFileSync(path.join(quarantine, lab, 'reason.txt'), 'utf8')).toMatch(
        /commands\.ndjson line 2: not valid JSON/,
      );
      const kept = readFileSync(path.join(quarantine, lab, 'commands.ndjson'), 'utf8');
      expect(kept.endsWith(damage)).toBe(true);
      expect(kept.split('\n')).toHaveLength(2 + damage.split('\n').length - 1);
      expect(existsSync(path.join(dataDir, 'labs', 'mine'))).toBe(false);
    },
    60_000,
  );
});
