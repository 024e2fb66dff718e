/**
 * A lab saved before its colours were bounded (a snapshot or a reset's meta holding a colour for
 * every id it ever had, without the order of removals) still loads: its VPSs keep their colours,
 * the removed ones are brought within KEPT_REMOVED (in id order, the same on every load), and it
 * is saved bounded from then on.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabState } from '../../shared/protocol.js';
import { PALETTE } from '../../shared/colors.js';
import { KEPT_REMOVED } from '../../server/lab/colorBook.js';
import {
  addSteadyVps,
  http,
  labState,
  postCommand,
  removeDir,
  startServer,
  type TestServer,
} from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

async function server(dataDir?: string): Promise<TestServer> {
  const t = await startServer({ dataDir });
  dirs.push(t.dataDir);
  return t;
}

const state = (t: TestServer): Promise<LabState> => labState(t, 'c');

const add = addSteadyVps('stay');

/** A lab with one VPS added, stopped: its state then. */
async function savedLab(): Promise<{ dir: string; before: LabState }> {
  const a = await server();
  expect(
    (await http(`${a.url}/api/labs`, { method: 'POST', body: { id: 'c', preset: 'demo' } })).status,
  ).toBe(201);
  expect((await postCommand(a, 'c', add)).ok).toBe(true);
  const before = await state(a);
  await a.close();
  return { dir: a.dataDir, before };
}

/** `n` colours of VPSs long gone, as an older file kept them. */
function oldColors(n: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < n; i++) out[`old-${i}`] = PALETTE[i % PALETTE.length];
  return out;
}

function rewrite(file: string, change: (v: Record<string, unknown>) => void): void {
  const v = JSON.parse(readFileSync(file, 'utf8'));
  change(v);
  writeFileSync(file, JSON.stringify(v));
}

/** The lab restarted from `dir` keeps `before`'s colours and of the old ones the last KEPT_REMOVED in id order. */
async function expectBounded(dir: string, before: LabState): Promise<Record<string, string>> {
  const b = await server(dir);
  const s = await state(b);
  expect(s.vps.map((v) => v.id)).toEqual(before.vps.map((v) => v.id));
  for (const v of before.vps) expect(s.colors![v.id], v.id).toBe(before.colors![v.id]);
  const gone = Object.keys(s.colors!).filter((id) => !s.vps.some((v) => v.id === id));
  const all = Object.keys(oldColors(5000)).sort();
  expect(gone.sort()).toEqual(all.slice(-KEPT_REMOVED).sort());
  await b.close();
  // Saved bounded, and read back the same.
  const snap = JSON.parse(readFileSync(path.join(dir, 'labs', 'c', 'snapshot.json'), 'utf8'));
  expect(snap.colors).toEqual(s.colors);
  expect(snap.removedVps).toHaveLength(KEPT_REMOVED);
  const c = await server(dir);
  expect((await state(c)).colors).toEqual(s.colors);
  await c.close();
  return s.colors!;
}

describe('colours of an older file', () => {
  it('a snapshot holding thousands load bounded, the running VPSs keeping theirs', async () => {
    const { dir, before } = await savedLab();
    rewrite(path.join(dir, 'labs', 'c', 'snapshot.json'), (s) => {
      s.colors = { ...oldColors(5000), ...before.colors };
      delete s.removedVps;
    });
    await expectBounded(dir, before);
  });

  it('a reset meta holding thousands (no snapshot) loads bounded, the running VPSs keeping theirs', async () => {
    const { dir, before } = await savedLab();
    const lab = path.join(dir, 'labs', 'c');
    rmSync(path.join(lab, 'snapshot.json'));
    rewrite(path.join(lab, 'meta.json'), (m) => {
      m.colors = { ...oldColors(5000), ...before.colors };
    });
    await expectBounded(dir, before);
  });
});
