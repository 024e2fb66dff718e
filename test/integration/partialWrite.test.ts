/**
 * A disk that fills up in the middle of a write of the command log (a real tmpfs under DATA_DIR,
 * filled): the write takes only the bytes that fit in the log's last block. A batch whose records
 * were written only in part must not be acknowledged as saved; once there is room it is written
 * whole, and the real server, killed and started again, brings the lab back with every command
 * (it was set aside whole before, its log holding half a batch in the middle).
 */
import { statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { http } from './helpers.js';
import { appliedLoads, fillDisk, smallTmpfs } from './disk.js';
import { listening, spawnServer, stop, type Child } from './child.js';

const disk = smallTmpfs('partial-write-');
const children: Child[] = [];
afterAll(async () => {
  for (const c of children) await stop(c, 'SIGKILL');
  disk.release();
});

const dataDir = path.join(disk.dir, 'data');
const filler = path.join(disk.dir, 'filler');
const start = () => {
  // No periodic snapshot meanwhile: the restart re-runs the log.
  const c = spawnServer({ DATA_DIR: dataDir, COMMAND_RATE: '1000', SNAPSHOT_EVERY_S: '3600' });
  children.push(c);
  return c;
};
const setLoad = (cpu: number) => ({ type: 'setLoad', vps: 'web-1', load: { cpu } });
/** A batch bigger than a disk block: its write cannot fit in what is left of the log's last block. */
const batch = Array.from({ length: 40 }, (_, i) => setLoad(0.3 + i / 1000));

describe.skipIf(!disk.mounted)('the disk filling up in the middle of a write of the command log', () => {
  it('does not acknowledge a batch written in part, and loses nothing once there is room', async () => {
    const first = start();
    const url = await listening(first);
    const one = await http(`${url}/api/labs/demo/commands`, { method: 'POST', body: setLoad(0.2) });
    expect(one.body.ok, one.text).toBe(true);
    const log = path.join(dataDir, 'labs', 'demo', 'commands.ndjson');
    // Room left in the log's last block, so the batch's write is taken in part before the disk refuses.
    expect(statSync(log).size % 4096).toBeGreaterThan(0);
    fillDisk(filler);

    const r = await http(`${url}/api/labs/demo/commands`, { method: 'POST', body: batch });
    expect(r.body.error?.code, r.text).toBe('NOT_SAVED');

    unlinkSync(filler);
    const after = await http(`${url}/api/labs/demo/commands`, { method: 'POST', body: setLoad(0.9) });
    expect(after.body.ok, after.text).toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = start();
    const url2 = await listening(second);
    expect(second.out()).not.toContain('cannot be restored');
    expect(await appliedLoads(url2)).toEqual([0.2, ...batch.map((c) => c.load.cpu), 0.9]);
    await stop(second);
  }, 120_000);
});
