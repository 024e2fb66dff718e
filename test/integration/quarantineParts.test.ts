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

/** A DATA_DIR holding labs `ids` (from the demo preset), each with one command logged. */
async function savedLabs(ids: string[]): Promise<string> {
  const t = await startServer();
  dirs.push(t.dataDir);
  for (const id of ids) {
    const made = await http(`${t.url}/api/labs`, { method: 'POST', body: { id, preset: 'demo' } });
    expect(made.status, made.text).toBe(201);
    const body = { type: 'setLoad', vps: 'web-1', load: { cpu: 0.3 } };
    const r = await settle(t, http(`${t.url}/api/labs/${id}/commands`, { method: 'POST', body }));
    expect(r.status, r.text).toBe(200);
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
