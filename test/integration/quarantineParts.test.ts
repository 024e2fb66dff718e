/**
 * What a damaged DATA_DIR's labs come to when moving a part aside is not simple: the quarantine
 * folder cannot be made (a file stands there), a log misses records its snapshot was saved after,
 * a progress.json that reads but is damaged. The in-process server, its log read back: each lab is
 * named with what is wrong with it, nothing damaged is deleted or written over, the others start.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { http, removeDir, settle, startServer, type TestServer } from './helpers.js';

const servers: TestServer[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const t of servers) await t.close().catch(() => undefined);
  dirs.forEach(removeDir);
});

/** A DATA_DIR holding labs `ids` (from the demo preset), each with `commands` commands logged. */
async function savedLabs(ids: string[], commands = 1): Promise<string> {
  const t = await startServer();
  dirs.push(t.dataDir);
  for (const id of ids) {
    const made = await http(`${t.url}/api/labs`, { method: 'POST', body: { id, preset: 'demo' } });
    expect(made.status, made.text).toBe(201);
    for (let i = 1; i <= commands; i++) {
      const body = { type: 'setLoad', vps: 'web-1', load: { cpu: i / 10 } };
      const r = await settle(t, http(`${t.url}/api/labs/${id}/commands`, { method: 'POST', body }));
      expect(r.status, r.text).toBe(200);
      t.advance(500);
    }
  }
  await t.close();
  return t.dataDir;
}

/** The server on `dataDir`, its log lines kept. */
async function restart(dataDir: string): Promise<{ t: TestServer; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  const t = await startServer({ dataDir, logger });
  servers.push(t);
  return { t, lines };
}

const running = (t: TestServer) =>
  t.server.registry
    .list()
    .map((l) => l.id)
    .sort();

describe('a damaged lab that cannot be moved to quarantine', () => {
  it('is named with what is wrong with it, left where it is, and the other labs start', async () => {
    const dataDir = await savedLabs(['bad', 'good']);
    writeFileSync(path.join(dataDir, 'labs', 'bad', 'meta.json'), '{}');
    writeFileSync(path.join(dataDir, 'quarantine'), 'a file where the quarantine folder belongs');
    const { t, lines } = await restart(dataDir);
    expect(running(t)).toEqual(['good']);
    const said = lines.filter((l) => l.lab === 'bad' && (l.level as number) >= 50);
    expect(said.map((l) => l.msg)).toContain(
      'a saved lab could not be restored; it is left on disk and not started',
    );
    for (const l of said)
      expect(JSON.stringify(l)).toMatch(/meta\.json: version.*quarantine.*(EEXIST|ENOTDIR)/);
    expect(readFileSync(path.join(dataDir, 'labs', 'bad', 'meta.json'), 'utf8')).toBe('{}');
    expect(existsSync(path.join(dataDir, 'labs', 'bad', 'commands.ndjson'))).toBe(true);
    expect(readdirSync(path.join(dataDir, 'labs')).sort()).toEqual(['bad', 'good']);
  }, 60_000);
});

describe('a progress.json that reads but is damaged', () => {
  it('is moved to quarantine whole with the reason naming the field before a new one is written', async () => {
    const progress: Record<string, string> = {
      garbage: 'garbage\n',
      field: '{"tik":12}',
      negative: '{"tick":-3}                             ',
      far: JSON.stringify({ tick: 1e12 }),
    };
    const dataDir = await savedLabs(Object.keys(progress));
    for (const [id, text] of Object.entries(progress))
      writeFileSync(path.join(dataDir, 'labs', id, 'progress.json'), text);
    const { t } = await restart(dataDir);
    expect(running(t)).toEqual(Object.keys(progress).sort());
    const quarantine = path.join(dataDir, 'quarantine');
    const aside = Object.fromEntries(readdirSync(quarantine).map((d) => [d.replace(/-\d{4}-.*$/, ''), d]));
    expect(Object.keys(aside).sort()).toEqual(Object.keys(progress).sort());
    const reasons: Record<string, RegExp> = {
      garbage: /^progress\.json: not valid JSON/,
      field: /^progress\.json: tick: .*expected number/,
      negative: /^progress\.json: tick: /,
      far: /^progress\.json: tick 1000000000000 is beyond/,
    };
    for (const [id, text] of Object.entries(progress)) {
      expect(aside[id], id).toMatch(/-progress$/);
      expect(readFileSync(path.join(quarantine, aside[id], 'progress.json'), 'utf8'), id).toBe(text);
      expect(readFileSync(path.join(quarantine, aside[id], 'reason.txt'), 'utf8'), id).toMatch(reasons[id]);
    }
    // Each lab then writes a progress.json of its own in its place.
    for (let i = 0; i < 3; i++) t.advance(1100);
    await t.close();
    for (const id of Object.keys(progress)) {
      const now = JSON.parse(readFileSync(path.join(dataDir, 'labs', id, 'progress.json'), 'utf8'));
      expect(now.tick, id).toBeGreaterThan(0);
    }
  }, 60_000);
});

describe('a log that misses records its snapshot was saved after', () => {
  it('quarantines the lab whole, naming the records it misses, and starts the others', async () => {
    const dataDir = await savedLabs(['emptied', 'older', 'good'], 3);
    const file = (id: string, name: string) => path.join(dataDir, 'labs', id, name);
    const log = readFileSync(file('older', 'commands.ndjson'), 'utf8');
    const first = log.slice(0, log.indexOf('\n') + 1);
    const { seq, tick } = JSON.parse(first) as { seq: number; tick: number };
    const snapshotSeq = (id: string) =>
      JSON.parse(readFileSync(file(id, 'snapshot.json'), 'utf8')).seq as number;
    expect(snapshotSeq('older')).toBeGreaterThan(seq);
    const saved = { emptied: snapshotSeq('emptied'), older: snapshotSeq('older') };
    writeFileSync(file('emptied', 'commands.ndjson'), '');
    writeFileSync(file('older', 'commands.ndjson'), first);
    const { t, lines } = await restart(dataDir);
    expect(running(t)).toEqual(['good']);
    const quarantine = path.join(dataDir, 'quarantine');
    const aside = Object.fromEntries(readdirSync(quarantine).map((d) => [d.replace(/-\d{4}-.*$/, ''), d]));
    expect(Object.keys(aside).sort()).toEqual(['emptied', 'older']);
    const reason = (id: string) => readFileSync(path.join(quarantine, aside[id], 'reason.txt'), 'utf8');
    expect(reason('emptied')).toContain(`commands.ndjson: misses records 1 to ${saved.emptied}`);
    expect(reason('emptied')).toMatch(/the log holds no record/);
    expect(reason('older')).toContain(`commands.ndjson: misses records ${seq + 1} to ${saved.older}`);
    expect(reason('older')).toContain(`the log ends at record ${seq} (tick ${tick})`);
    // Kept whole: the log as it was, the snapshot beside it.
    expect(readFileSync(path.join(quarantine, aside.older, 'commands.ndjson'), 'utf8')).toBe(first);
    expect(existsSync(path.join(quarantine, aside.older, 'snapshot.json'))).toBe(true);
    expect(lines.some((l) => l.lab === 'older' && /misses records/.test(String(l.reason)))).toBe(true);
  }, 60_000);
});

describe('a log whose records jump or repeat', () => {
  it('quarantines the lab whole, naming the line and the seq expected, and starts the others', async () => {
    const dataDir = await savedLabs(['jumped', 'repeated', 'good'], 4);
    const file = (id: string) => path.join(dataDir, 'labs', id, 'commands.ndjson');
    const lines = (id: string) => readFileSync(file(id), 'utf8').split('\n').slice(0, -1);
    const jumped = lines('jumped');
    const seqs = jumped.map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqs.length).toBeGreaterThanOrEqual(4);
    // Records 2 and 3 lost from the middle; the last one copied in twice.
    const cut = [jumped[0], ...jumped.slice(3)].join('\n') + '\n';
    writeFileSync(file('jumped'), cut);
    const repeated = lines('repeated');
    writeFileSync(file('repeated'), [...repeated, repeated.at(-1)].join('\n') + '\n');
    const { t, lines: said } = await restart(dataDir);
    expect(running(t)).toEqual(['good']);
    const quarantine = path.join(dataDir, 'quarantine');
    const aside = Object.fromEntries(readdirSync(quarantine).map((d) => [d.replace(/-\d{4}-.*$/, ''), d]));
    expect(Object.keys(aside).sort()).toEqual(['jumped', 'repeated']);
    const reason = (id: string) => readFileSync(path.join(quarantine, aside[id], 'reason.txt'), 'utf8');
    expect(reason('jumped')).toContain(
      `commands.ndjson line 2: seq: ${seqs[3]} where ${seqs[1]} was expected; records ${seqs[1]} to ${seqs[2]} are missing`,
    );
    const n = repeated.length;
    expect(reason('repeated')).toContain(
      `commands.ndjson line ${n + 1}: seq: ${seqs[n - 1]} does not follow`,
    );
    // Kept whole, as it was.
    expect(readFileSync(path.join(quarantine, aside.jumped, 'commands.ndjson'), 'utf8')).toBe(cut);
    expect(said.some((l) => l.lab === 'jumped' && /was expected/.test(String(l.reason)))).toBe(true);
  }, 60_000);
});
