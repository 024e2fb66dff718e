/**
 * A lab taken over by another process keeps its VPSs' colours, those given before a reset too (they
 * travel with the lab's meta and snapshot through Redis): every browser, on any process, draws a
 * VPS in the colour it had. After VPSs came and went under many ids, both processes hold the same
 * bounded colours: those of the VPSs there and of the KEPT_REMOVED removed last.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../../shared/commands.js';
import { KEPT_REMOVED } from '../../../server/lab/colorBook.js';
import { http } from '../helpers.js';
import { ownerAndOther, stopCluster, type OwnerAndOther } from './fixture.js';
import type { ServerProcess } from './harness.js';

let c: OwnerAndOther | undefined;

beforeAll(async () => {
  c = await ownerAndOther('ct', { ownerEnv: { COMMAND_RATE: '10000' } });
}, 120_000);

afterAll(async () => {
  await stopCluster(c);
});

const add = (id: string): Command => ({
  type: 'addVps',
  vps: { id, vcpus: 1, ramGiB: 2, diskIops: 1000, netMbps: 100, profile: 'steady' },
});

const remove = (id: string): Command => ({ type: 'removeVps', vps: id });

async function post(p: ServerProcess, path: string, body?: unknown) {
  const r = await http(`${p.url}/api/labs/ct${path}`, { method: 'POST', body });
  expect(r.status, r.text).toBeLessThan(300);
}

const colorsOn = async (p: ServerProcess): Promise<Record<string, string>> =>
  (await http(`${p.url}/api/labs/ct`)).body.data?.colors;

describe('a lab taken over', () => {
  it('keeps the colours given before a reset', async () => {
    const { owner, other } = c!;
    for (let k = 0; k < 2; k++)
      await post(
        owner,
        '/commands',
        Array.from({ length: 45 }, (_, i) => [add(`churn-${k}-${i}`), remove(`churn-${k}-${i}`)]).flat(),
      );
    for (const cmd of [add('extra-1'), add('extra-2'), { type: 'removeVps', vps: 'extra-1' }])
      await post(owner, '/commands', cmd);
    await post(owner, '/reset');
    const before = await colorsOn(owner);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['extra-1', 'extra-2']));
    const churned = Object.keys(before).filter((id) => id.startsWith('churn-'));
    expect(churned).toHaveLength(KEPT_REMOVED - 2);
    expect(churned).not.toContain('churn-0-0');
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
