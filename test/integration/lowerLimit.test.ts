/**
 * A lab saved with more VPSs than a lowered MAX_VPS_PER_LAB (the server restarted with a smaller
 * limit) comes back as it was, VPSs added by its log included, whether it is rebuilt from its log
 * alone (after a kill -9) or re-run to its snapshot; the log says it is over the limit; adding a
 * VPS is refused until it holds fewer, and so is forking it (a new lab).
 */
import { describe, expect, it } from 'vitest';
import { http } from './helpers.js';
import { childServers, listening, stop } from './child.js';

const { dataDir: newDataDir, start } = childServers('lower-limit');

const vps = (id: string) => ({ id, vcpus: 1, ramGiB: 1, diskIops: 100, netMbps: 10 });
const command = (url: string, body: unknown) =>
  http(`${url}/api/labs/big/commands`, { method: 'POST', body });
const ids = async (url: string) =>
  ((await http(`${url}/api/labs/big`)).body.data.vps as { id: string; load: { cpu: number } }[]).map(
    (v) => `${v.id}:${v.load.cpu}`,
  );

describe('a saved lab over a lowered MAX_VPS_PER_LAB', () => {
  for (const how of ['SIGKILL', 'SIGTERM'] as const)
    it(`comes back as it was (stopped with ${how}), and refuses more VPSs until it holds fewer`, async () => {
      const dataDir = newDataDir();
      const first = start(dataDir, { MAX_VPS_PER_LAB: '8' });
      const url = await listening(first);
      expect(
        (await http(`${url}/api/labs`, { method: 'POST', body: { id: 'big', preset: 'demo' } })).status,
      ).toBe(201);
      const demoVps = (await ids(url)).length;
      expect(demoVps).toBe(6);
      for (const id of ['extra-1', 'extra-2'])
        expect((await command(url, { type: 'addVps', vps: vps(id) })).body.ok).toBe(true);
      expect((await command(url, { type: 'setLoad', vps: 'extra-2', load: { cpu: 0.42 } })).body.ok).toBe(
        true,
      );
      const before = await ids(url);
      expect(before).toHaveLength(8);
      // SIGKILL before any periodic snapshot: the lab is rebuilt from its meta and log alone.
      expect(await stop(first, how)).toBe(how === 'SIGTERM' ? 0 : null);

      const second = start(dataDir, { MAX_VPS_PER_LAB: '6' });
      const url2 = await listening(second);
      expect(await ids(url2)).toEqual(before);
      const out = second.out();
      expect(out).toMatch(/"lab":"big".*"vps":8,"maxVps":6.*more VPSs than MAX_VPS_PER_LAB/);
      expect(out).not.toMatch(/did not reproduce/);

      const refused = await command(url2, { type: 'addVps', vps: vps('extra-3') });
      expect([refused.status, refused.body.error?.code, refused.body.error?.path]).toEqual([
        409,
        'LIMIT_EXCEEDED',
        'vps',
      ]);
      expect(refused.body.error.message).toMatch(/at most 6 VPSs \(this one has 8/);
      const fork = await http(`${url2}/api/labs`, {
        method: 'POST',
        body: { id: 'big-fork', from: 'big', compare: ['para', 'container'] },
      });
      expect([fork.status, fork.body.error?.code, fork.body.error?.path]).toEqual([
        409,
        'LIMIT_EXCEEDED',
        'from',
      ]);
      expect(await ids(url2)).toEqual(before);

      // Under the limit again, it takes VPSs up to it.
      for (const id of ['extra-1', 'extra-2', 'web-1'])
        expect((await command(url2, { type: 'removeVps', vps: id })).body.ok).toBe(true);
      expect((await command(url2, { type: 'addVps', vps: vps('extra-3') })).body.ok).toBe(true);
      expect((await command(url2, { type: 'addVps', vps: vps('extra-4') })).body.error?.code).toBe(
        'LIMIT_EXCEEDED',
      );
      expect(await ids(url2)).toHaveLength(6);
      await stop(second);
    }, 90_000);
});
