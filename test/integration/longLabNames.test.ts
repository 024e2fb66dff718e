/**
 * A lab's name stays within what a scenario's name may be (200 characters), however it is made: a
 * second lab of a 200-character name (which takes " 2" after it), a fork (which adds its two modes
 * to its source's name), the recorded session (" (recorded)"). A name past that was taken at
 * creation, then refused where a scenario is read again: the lab was quarantined at the next start
 * ("meta.json: scenario.name: Too big") and its recorded session refused by the runner and by
 * `POST /api/labs`. Real app on port 0, real DATA_DIR, restarted on it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenarioJson } from '../../server/scenario.js';
import type { ModeSpec } from '../../shared/commands.js';
import { http, removeDir, startServer } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** 200 characters, an emoji (two UTF-16 units) where " 2" after it would cut the name. */
const name = `${'N'.repeat(197)}\u{1F600}x`;
const scenario = {
  name,
  mode: 'para',
  vps: [{ id: 'a', vcpus: 1, ramGiB: 1, diskIops: 10, netMbps: 10 }],
};
/** Two modes whose labels are about 200 characters each. */
const modes: [ModeSpec, ModeSpec] = [
  {
    base: 'container',
    cpuPolicy: 'share',
    cpuWeighting: 'domain',
    cpuCaps: true,
    containerLimits: false,
    netShaping: true,
    cachePartitioning: true,
    memOvercommit: 1.5,
    dom0Vcpus: 3,
    schedSliceMs: 0.123456789,
  },
  {
    base: 'para',
    cpuPolicy: 'share',
    cpuWeighting: 'vcpu',
    cpuCaps: false,
    containerLimits: true,
    netShaping: false,
    cachePartitioning: false,
    memOvercommit: 2.5,
    dom0Vcpus: 4,
    schedSliceMs: 0.987654321,
  },
];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('lab names at the longest a scenario allows', () => {
  it('stay within it, so every lab comes back after a restart and its session replays', async () => {
    expect(name.length).toBe(200);
    const a = await startServer();
    dirs.push(a.dataDir);
    const made: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await http(`${a.url}/api/labs`, { method: 'POST', body: { scenario } });
      expect(r.status, r.text).toBe(201);
      made.push(r.body.data.id);
    }
    const fork = await http(`${a.url}/api/labs`, { method: 'POST', body: { from: made[0], compare: modes } });
    expect(fork.status, fork.text).toBe(201);
    made.push(fork.body.data.id);

    const names = new Map<string, string>();
    for (const l of (await http(`${a.url}/api/labs`)).body.data) names.set(l.id, l.name);
    for (const id of made) {
      expect(names.get(id)!.length, id).toBeLessThanOrEqual(200);
      expect(names.get(id), 'half an emoji').not.toMatch(LONE_SURROGATE);
    }
    expect(new Set(made.map((id) => names.get(id))).size).toBe(3);

    for (const id of [...made]) {
      const file = await http(`${a.url}/api/labs/${id}/scenario?download`);
      expect(file.status).toBe(200);
      const read = parseScenarioJson(file.text, { runner: true });
      expect(read.ok, `${id}: ${JSON.stringify(read)}`).toBe(true);
      const again = await http(`${a.url}/api/labs`, { method: 'POST', body: { scenario: file.body } });
      expect(again.status, again.text).toBe(201);
      made.push(again.body.data.id);
    }
    await a.close();

    const b = await startServer({ dataDir: a.dataDir });
    try {
      for (const id of made) expect(b.server.registry.get(id), id).toBeDefined();
      expect(existsSync(path.join(a.dataDir, 'quarantine'))).toBe(false);
    } finally {
      await b.close();
    }
  });

  it('a lab saved with a longer name (as before names were held to it) comes back, its name cut', async () => {
    const a = await startServer();
    dirs.push(a.dataDir);
    const made = await http(`${a.url}/api/labs`, { method: 'POST', body: { id: 'old', scenario } });
    expect(made.status, made.text).toBe(201);
    await a.close();
    const file = path.join(a.dataDir, 'labs', 'old', 'meta.json');
    const meta = JSON.parse(readFileSync(file, 'utf8'));
    meta.scenario.name = `${'L'.repeat(199)}\u{1F600} · container vs para`;
    writeFileSync(file, JSON.stringify(meta));

    const b = await startServer({ dataDir: a.dataDir });
    try {
      const back = b.server.registry.get('old');
      expect(back, 'restored').toBeDefined();
      expect(back!.scenario.name).toBe('L'.repeat(199));
      expect(existsSync(path.join(a.dataDir, 'quarantine'))).toBe(false);
      const file = await http(`${b.url}/api/labs/old/scenario?download`);
      expect(parseScenarioJson(file.text, { runner: true }).ok).toBe(true);
    } finally {
      await b.close();
    }
  });
});
