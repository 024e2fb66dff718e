/**
 * A write of the command log taken only in part (the disk fills up: a real tmpfs, filled) whose
 * cut back to the last whole record fails too (the log made append-only, so truncating it is
 * refused). The half-written records must not stay in front of the next write: once the disk has
 * room and the log may be cut again, it is cut before anything more is written, and the real
 * server, killed and started again, brings the lab back with every command in order.
 */
import { execFileSync } from 'node:child_process';
import { statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { http } from './helpers.js';
import { appliedLoads, fillDisk, smallTmpfs } from './disk.js';
import { listening, spawnServer, stop, type Child } from './child.js';

const disk = smallTmpfs('cut-back-fails-');
const children: Child[] = [];
const log = path.join(disk.dir, 'data', 'labs', 'demo', 'commands.ndjson');
/** Makes the log append-only or not; false where the file system cannot (then the test is skipped). */
const appendOnly = (on: boolean): boolean => {
  try {
    execFileSync('chattr', [on ? '+a' : '-a', log], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
afterAll(async () => {
  for (const c of children) await stop(c, 'SIGKILL');
  appendOnly(false);
  disk.release();
});

const start = () => {
  const c = spawnServer({
    DATA_DIR: path.join(disk.dir, 'data'),
    COMMAND_RATE: '1000',
    SNAPSHOT_EVERY_S: '3600',
  });
  children.push(c);
  return c;
};
const setLoad = (cpu: number) => ({ type: 'setLoad', vps: 'web-1', load: { cpu } });
/** A batch bigger than a disk block: its write cannot fit in what is left of the log's last block. */
const batch = Array.from({ length: 40 }, (_, i) => setLoad(0.3 + i / 1000));

describe.skipIf(!disk.mounted)('a write of the command log taken in part, its cut back refused', () => {
  it('cuts the half-written records before the next write, and loses nothing', async (ctx) => {
    const first = start();
    const url = await listening(first);
    const one = await http(`${url}/api/labs/demo/commands`, { method: 'POST', body: setLoad(0.2) });
    expect(one.body.ok, one.text).toBe(true);
    if (!appendOnly(true)) ctx.skip();
    const whole = statSync(log).size;
    expect(whole % 4096).toBeGreaterThan(0);
    fillDisk(path.join(disk.dir, 'filler'));

    const r = await http(`${url}/api/labs/demo/commands`, { method: 'POST', body: batch });
    expect(r.body.error?.code, r.text).toBe('NOT_SAVED');
    // The write took part of the batch and the cut back was refused: half a record is on disk.
    expect(statSync(log).size).toBeGreaterThan(whole);

    unlinkSync(path.join(disk.dir, 'filler'));
    appendOnly(false);
    const after = await http(`${url}/api/labs/demo/commands`, { method: 'POST', body: setLoad(0.9) });
    expect(after.body.ok, after.text).toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = start();
    const url2 = await listening(second);
    expect(second.out()).not.toContain('cannot be restored');
    expect(second.out()).not.toContain('quarantin');
    expect(await appliedLoads(url2)).toEqual([0.2, ...batch.map((c) => c.load.cpu), 0.9]);
    await stop(second);
  }, 120_000);
});
