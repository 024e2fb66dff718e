/**
 * A lab taken over by another process keeps its VPSs' colours, those given before a reset too (they
 * travel with the lab's meta and snapshot through Redis): every browser, on any process, draws a
 * VPS in the colour it had.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../../shared/commands.js';
import { http } from '../helpers.js';
import { ownerAndOther, stopCluster, type OwnerAndOther } from './fixture.js';
import type { ServerProcess } from './harness.js';

let c: OwnerAndOther | undefined;

beforeAll(async () => {
  c = await ownerAndOther('ct');
}, 120_000);

afterAll(async () => {
  await stopCluster(c);
});

const add = (id: string): Command => ({
  type: 'addVps',
  vps: { id, vcpus: 1, ramGiB: 2, diskIops: 1000, netMbps: 100, profile: 'steady' },
});

async function post(p: ServerProcess, path: string, body?: unknown) {
  const r = await http(`${p.url}/api/labs/ct${path}`, { method: 'POST', body });
  expect(r.status, r.text).toBeLessThan(300);
}

const colorsOn = async (p: ServerProcess): Promise<Record<string, string>> =>
  (await http(`${p.url}/api/labs/ct`)).body.data?.colors;

describe('a lab taken over', () => {
  it('keeps the colours given before a reset', async () => {
    const { owner, other } = c!;
    for (const cmd of [add('extra-1'), add('extra-2'), { type: 'removeVps', vps: 'extra-1' }])
      await post(owner, '/commands', cmd);
    await post(owner, '/reset');
    const before = await colorsOn(owner);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['extra-1', 'extra-2']));
    await owner.kill();
    await expect
      .poll(async () => (await http(`${other.url}/healthz`)).body.data.owns, {
        timeout: 30_000,
        interval: 200,
      })
      .toContain('ct');
    expect(await colorsOn(other)).toEqual(before);
  });
});
