/**
 * A VPS's colour is given once and kept for the lab's life, across a restart and a reset too:
 * after VPSs come and go, a restarted lab draws every VPS in the colour it had, and the next new
 * VPS gets the colour an uninterrupted lab gives it. Before, colours were given again on restore,
 * and a removed VPS's colour went to a later one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Command } from '../../shared/commands.js';
import { addSteadyVps, http, postCommand, removeDir, startServer, type TestServer } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const add = addSteadyVps;

async function colors(t: TestServer): Promise<Record<string, string>> {
  const r = await http(`${t.url}/api/labs/c`);
  expect(r.status).toBe(200);
  return r.body.data.colors;
}

async function run(t: TestServer, commands: Command[]): Promise<void> {
  for (const c of commands) {
    expect((await postCommand(t, 'c', c)).ok, JSON.stringify(c)).toBe(true);
    t.advance(500);
  }
}

/** VPSs added, then the earlier ones removed: the lab's colours hold colours nobody shows now. */
const comings: Command[] = [
  add('extra-1'),
  add('extra-2'),
  add('extra-3'),
  { type: 'removeVps', vps: 'extra-1' },
  { type: 'removeVps', vps: 'extra-2' },
];

async function server(dataDir?: string, rebuildTicks?: number): Promise<TestServer> {
  const t = await startServer({ dataDir, rebuildTicks });
  dirs.push(t.dataDir);
  return t;
}

/**
 * The same lab on a server restarted after `comings` (and a reset, when `reset`) and on one that runs
 * on: the colours are those from before the restart, and a VPS added then gets the same colour on both.
 */
async function restartAndCompare(reset: boolean, rebuildTicks?: number): Promise<void> {
  const ref = await server();
  const a = await server();
  for (const t of [ref, a]) {
    expect(
      (await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'c', preset: 'demo' } })).status,
    ).toBe(201);
    await run(t, comings);
    if (reset) expect((await http(`${t.url}/api/labs/c/reset`, { method: 'POST' })).status).toBe(200);
  }
  const before = await colors(a);
  expect(Object.keys(before)).toEqual(expect.arrayContaining(['extra-1', 'extra-2', 'extra-3']));
  expect(before).toEqual(await colors(ref));
  await a.close();
  const b = await server(a.dataDir, rebuildTicks);
  expect(await colors(b)).toEqual(before);
  for (const t of [ref, b]) await run(t, [add('late-1')]);
  const after = await colors(b);
  expect(after).toEqual(await colors(ref));
  expect(Object.values(before)).not.toContain(after['late-1']);
  await b.close();
  await ref.close();
}

describe('colours across a restart', () => {
  it.each([
    ['re-run from its start', undefined],
    ['from its snapshot alone', 0],
  ])('are kept, and a new VPS gets the same colour as without the restart (%s)', (_n, rebuild) =>
    restartAndCompare(false, rebuild),
  );

  it('are kept through a reset, then a restart', () => restartAndCompare(true));
});
