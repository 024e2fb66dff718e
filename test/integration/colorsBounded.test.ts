/**
 * A lab keeps the colours of the VPSs it has and of the KEPT_REMOVED removed most recently, no
 * more: VPSs added and removed under ever new ids leave the state message, the snapshot and a
 * reset's meta small. What it keeps follows from the lab's history: a restarted lab (from its
 * snapshot, re-run from its start, or from its log alone) holds the same colours as one that ran on,
 * and both give the next VPSs the same. Before, every id ever added kept its colour for good.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Command } from '../../shared/commands.js';
import type { LabState, SnapshotMessage } from '../../shared/protocol.js';
import { KEPT_REMOVED } from '../../server/lab/colorBook.js';
import {
  addSteadyVps,
  client,
  http,
  labState,
  postCommand,
  removeDir,
  removeVps,
  request,
  startServer,
  waitFor,
  type TestServer,
} from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const add = addSteadyVps;
const remove = removeVps;

async function server(dataDir?: string, rebuildTicks?: number): Promise<TestServer> {
  const t = await startServer({ dataDir, rebuildTicks, config: { commandRate: 10_000 } });
  dirs.push(t.dataDir);
  return t;
}

const state = (t: TestServer): Promise<LabState> => labState(t, 'c');

/** Apply `commands` in batches of 50 (each command in order, as the lab's history). */
async function run(t: TestServer, commands: Command[]): Promise<void> {
  for (let i = 0; i < commands.length; i += 50) {
    const batch = commands.slice(i, i + 50);
    expect((await postCommand(t, 'c', batch)).ok, JSON.stringify(batch[0])).toBe(true);
    t.advance(300);
  }
}

/** `n` VPSs added and removed at once under new ids `prefix-0…`, with `keep` added and left running midway. */
function churn(prefix: string, n: number, keep?: string): Command[] {
  const out: Command[] = [];
  for (let i = 0; i < n; i++) {
    out.push(add(`${prefix}-${i}`), remove(`${prefix}-${i}`));
    if (keep && i === n >> 1) out.push(add(keep));
  }
  return out;
}

/** The lab's colours are bounded, and every VPS it has holds one. */
function expectBounded(s: LabState): void {
  const colors = s.colors ?? {};
  for (const v of s.vps) expect(colors[v.id], v.id).toBeDefined();
  const gone = Object.keys(colors).filter((id) => !s.vps.some((v) => v.id === id));
  expect(gone.length).toBeLessThanOrEqual(KEPT_REMOVED);
}

const labDir = (t: TestServer) => path.join(t.dataDir, 'labs', 'c');
const saved = (t: TestServer, file: string) => JSON.parse(readFileSync(path.join(labDir(t), file), 'utf8'));

async function labWith(t: TestServer): Promise<void> {
  const r = await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'c', preset: 'demo' } });
  expect(r.status).toBe(201);
}

describe('colours kept', () => {
  it('stay bounded through many VPSs under new ids, the ones running and the recently removed kept', async () => {
    const t = await server();
    await labWith(t);
    const start = (await state(t)).colors!;
    await run(t, churn('a', 300, 'stay'));
    const s = await state(t);
    expectBounded(s);
    // Every VPS there from the start keeps its colour; the last removed are kept, the first not.
    for (const [id, c] of Object.entries(start)) expect(s.colors![id]).toBe(c);
    const gone = Object.keys(s.colors!).filter((id) => id.startsWith('a-'));
    expect(gone.length).toBe(KEPT_REMOVED);
    expect(gone).toContain('a-299');
    expect(gone).not.toContain('a-0');
    // A recently removed id added again gets its colour back; a long forgotten one a colour no VPS holds.
    const old = s.colors!['a-290'];
    await run(t, [add('a-290'), add('a-0')]);
    const back = await state(t);
    expect(back.colors!['a-290']).toBe(old);
    const shown = back.vps.filter((v) => v.id !== 'a-0').map((v) => back.colors![v.id]);
    expect(shown).not.toContain(back.colors!['a-0']);
    // What a joining page is sent, and the snapshot, are as small.
    expect(JSON.stringify(back.colors).length).toBeLessThan(4_000);
    const socket = await client(t.url);
    const joined = waitFor<SnapshotMessage>(socket, 'snapshot', (m) => m.lab === 'c');
    expect((await request<{ ok: boolean }>(socket, 'join', { lab: 'c' })).ok).toBe(true);
    expect((await joined).state.colors).toEqual(back.colors);
    socket.disconnect();
    await t.close();
    const snap = saved(t, 'snapshot.json');
    expect(snap.colors).toEqual(back.colors);
    expect(snap.removedVps.length).toBeLessThanOrEqual(KEPT_REMOVED);
  });

  /** The lab `before` a restart (`how` it comes back) and one that ran on hold the same colours, then and after. */
  async function restartAndCompare(how: 'snapshot' | 'rerun' | 'log', reset = false): Promise<void> {
    const ref = await server();
    const a = await server();
    for (const t of [ref, a]) {
      await labWith(t);
      await run(t, churn('a', 120, 'stay-1'));
      if (reset) expect((await http(`${t.url}/api/labs/c/reset`, { method: 'POST' })).status).toBe(200);
      await run(t, churn('b', 40, 'stay-2'));
    }
    const before = await state(a);
    expectBounded(before);
    expect(before.colors).toEqual((await state(ref)).colors);
    await a.close();
    if (reset) {
      const meta = saved(a, 'meta.json');
      expect(meta.removedVps.length).toBeLessThanOrEqual(KEPT_REMOVED);
      // The VPSs the lab had before its reset (the scenario's and stay-1, as many as now), and the removed kept.
      expect(Object.keys(meta.colors).length).toBe(before.vps.length + meta.removedVps.length);
    }
    if (how === 'log') rmSync(path.join(labDir(a), 'snapshot.json'));
    const b = await server(a.dataDir, how === 'snapshot' ? 0 : undefined);
    const after = await state(b);
    expect(after.vps.map((v) => v.id)).toEqual(before.vps.map((v) => v.id));
    expect(after.colors).toEqual(before.colors);
    // Going on alike: forgetting the same ids, giving new ones the same colours.
    for (const t of [ref, b]) await run(t, [...churn('c', 70, 'stay-3'), remove('stay-2'), add('b-39')]);
    const next = await state(b);
    expectBounded(next);
    expect(next.colors).toEqual((await state(ref)).colors);
    await b.close();
    await ref.close();
  }

  it.each([
    ['from its snapshot alone', 'snapshot'],
    ['re-run from its start to its snapshot', 'rerun'],
    ['from its command log alone', 'log'],
  ] as const)('are the same after a restart as without it (%s)', (_n, how) => restartAndCompare(how));

  it('are the same after a reset, then a restart, as without them', () => restartAndCompare('log', true));
});
