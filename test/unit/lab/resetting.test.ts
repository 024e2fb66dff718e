/**
 * A command applied while its lab's reset is being saved: its record is written once the reset
 * failed (the lab goes on from where it was, its log whole), and dropped once the reset held.
 * Real file store in a temporary folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFileStore } from '../../../server/lab/fileStore.js';
import { Resets } from '../../../server/lab/resetting.js';
import type { Store } from '../../../server/lab/store.js';
import { silentLogger } from '../../../server/log.js';
import { fakeScenario } from './fakeEngine.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function storeWithLab(): Promise<Store> {
  const dir = mkdtempSync(path.join(tmpdir(), 'resets-'));
  const store = await openFileStore(dir, silentLogger());
  cleanups.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await store.create({ version: 1, id: 'a', scenario: fakeScenario(), createdAt: 'first' });
  await store.append('a', rec(1, 1));
  return store;
}

const rec = (seq: number, tick: number) => ({
  seq,
  tick,
  by: 'x',
  command: { type: 'removeVps' as const, vps: 'vps-0' },
});
const logged = async (store: Store) => (await store.load('a'))!.commands.map((l) => JSON.parse(l).seq);

describe('records of a lab being reset', () => {
  it.each([
    ['fails: written after it, in order', false, [1, 2, 3]],
    ['holds: dropped', true, [1]],
  ])('when the reset %s', async (_name, held, seqs) => {
    const store = await storeWithLab();
    const resets = new Resets();
    let finish!: () => void;
    const saving = new Promise<void>((ok) => (finish = ok));
    const reset = resets.hold('a', async () => {
      await saving;
      return { held, result: held ? 'reset' : 'refused' };
    });
    expect(resets.has('a')).toBe(true);
    const during = [resets.persist(store, 'a', rec(2, 5)), resets.persist(store, 'a', rec(3, 6))];
    await store.flush();
    expect(await logged(store)).toEqual([1]);
    finish();
    expect(await reset).toBe(held ? 'reset' : 'refused');
    await Promise.all(during);
    await store.flush();
    expect(await logged(store)).toEqual(seqs);
    expect(resets.has('a')).toBe(false);
    // Afterwards records go straight to the store.
    await resets.persist(store, 'a', rec(9, 9));
    expect((await logged(store)).at(-1)).toBe(9);
  });
});
