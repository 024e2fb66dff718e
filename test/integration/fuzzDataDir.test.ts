/**
 * Fuzz: a DATA_DIR of randomly damaged labs (seeded, reproducible). The server starts, and each lab
 * is restored or quarantined, never both, never lost.
 */
import { describe, expect, it } from 'vitest';
import type { Command } from '../../shared/commands.js';
import { damage, rng, SEED } from './fuzzInputs.js';
import { http, removeDir, settle, startServer } from './helpers.js';

const DATA_LABS = Number(process.env.FUZZ_DATA_LABS ?? 40);

describe('fuzz: DATA_DIR contents', () => {
  it(`starts on ${DATA_LABS} randomly damaged labs; each is restored or quarantined, never both or lost`, async () => {
    const { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } =
      await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const r = rng(SEED + 1);
    const a = await startServer({ config: { commandRate: 1000 } });
    await http(`${a.url}/api/labs`, { method: 'POST', body: { id: 'seed', preset: 'demo' } });
    const lab = a.server.registry.get('seed')!;
    const commands: Command[] = [
      { type: 'setLoad', vps: 'web-1', load: { cpu: 0.9 } },
      { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog', durationS: 5 },
    ];
    for (const cmd of commands) {
      a.advance(500);
      expect((await settle(a, lab.submit(cmd, 'fuzz'))).ok).toBe(true);
    }
    a.advance(1500);
    await a.close();
    const seedDir = path.join(a.dataDir, 'labs', 'seed');
    const files = readdirSync(seedDir);
    const original = Object.fromEntries(files.map((f) => [f, readFileSync(path.join(seedDir, f), 'utf8')]));
    const dataDir = mkdtempSync(path.join(tmpdir(), 'fuzz-data-'));
    const ids: string[] = [];
    for (let i = 0; i < DATA_LABS; i++) {
      const id = `lab-${i}`;
      ids.push(id);
      mkdirSync(path.join(dataDir, 'labs', id), { recursive: true });
      const hits = new Set(Array.from({ length: 1 + r.int(2) }, () => r.pick(files)));
      for (const f of files) {
        let text: string | null = original[f];
        if (f === 'meta.json') text = text.replace('"id":"seed"', `"id":"${id}"`);
        if (hits.has(f)) text = damage(r, text);
        if (text !== null) writeFileSync(path.join(dataDir, 'labs', id, f), text);
      }
    }
    const b = await startServer({ dataDir, config: { maxLabs: DATA_LABS } });
    expect((await http(`${b.url}/healthz`)).status).toBe(200);
    const aside = existsSync(path.join(dataDir, 'quarantine'))
      ? readdirSync(path.join(dataDir, 'quarantine'))
      : [];
    const idOf = (d: string) => d.replace(/-\d{4}-\d\d-\d\dT.*$/, '');
    // A whole lab moved aside, one damaged part of a lab that was rebuilt without it, or the torn
    // end cut from a log (kept whatever became of its lab).
    const part = /-(snapshot|progress|log-tail)(-\d+)?$/;
    const quarantined = aside.filter((d) => !part.test(d)).map(idOf);
    for (const d of aside.filter((x) => /-log-tail(-\d+)?$/.test(x)))
      expect(readdirSync(path.join(dataDir, 'quarantine', d)).sort(), d).toEqual([
        'commands.ndjson.tail',
        'reason.txt',
      ]);
    for (const d of aside.filter((x) => /-(snapshot|progress)(-\d+)?$/.test(x))) {
      expect(b.server.registry.get(idOf(d)), d).toBeDefined();
      expect(readdirSync(path.join(dataDir, 'quarantine', d)).sort(), d).toEqual(
        [d.includes('-snapshot') ? 'snapshot.json' : 'progress.json', 'reason.txt'].sort(),
      );
    }
    for (const id of ids) {
      const running = b.server.registry.get(id) !== undefined;
      const moved = quarantined.includes(id);
      const empty = readdirSync(path.join(dataDir, 'labs')).includes(id)
        ? readdirSync(path.join(dataDir, 'labs', id)).length === 0
        : false;
      expect(running !== moved || (!running && empty), id).toBe(true);
      if (running) expect(existsSync(path.join(dataDir, 'labs', id))).toBe(true);
    }
    // Both outcomes happen: damage that can be rebuilt from, and damage that cannot.
    expect(quarantined.length).toBeGreaterThan(0);
    expect(b.server.registry.list().length).toBeGreaterThan(0);
    await b.close();
    removeDir(dataDir);
    removeDir(a.dataDir);
  }, 120_000);
});
