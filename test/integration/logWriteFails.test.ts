/**
 * A lab whose command log cannot be written (a folder where the file belongs: refused even to root)
 * while commands and snapshots keep coming: the real server says so once, with the reason, not at
 * every failed write, and says once that the lab's data is written again when it is.
 */
import { mkdirSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { http } from './helpers.js';
import { childServers, listening, stop, type Child } from './child.js';

const { dataDir: newDataDir, start } = childServers('log-write-fails');

interface Line {
  level: number;
  msg: string;
  lab?: string;
  file?: string;
  failures?: number;
  err?: { code?: string };
}
const lines = (p: Child): Line[] =>
  p
    .out()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
const said = (p: Child, msg: string) => lines(p).filter((l) => l.msg === msg);

/** Resolves once `p` has said `msg` at least `times` times (bounded by the test's timeout). */
async function saidTimes(p: Child, msg: string, times: number): Promise<void> {
  while (said(p, msg).length < times) await new Promise((r) => setTimeout(r, 50));
}

describe('a lab whose command log cannot be written', () => {
  it('logs it once when it starts, not at each failed write, and once when writes work again', async () => {
    const dataDir = newDataDir();
    // Debug shows each failed write, so the test knows they happened; info and above must not.
    const p = start(dataDir, { SNAPSHOT_EVERY_S: '1', COMMAND_RATE: '1000', LOG_LEVEL: 'debug' });
    try {
      const url = await listening(p);
      const log = path.join(dataDir, 'labs', 'demo', 'commands.ndjson');
      mkdirSync(log);
      const body = (cpu: number) => ({ type: 'setLoad', vps: 'web-1', load: { cpu } });
      for (let i = 1; i <= 5; i++) {
        const r = await http(`${url}/api/labs/demo/commands`, { method: 'POST', body: body(i / 10) });
        expect(r.body.error?.code, r.text).toBe('NOT_SAVED');
      }
      // Five commands, then snapshots falling due every second, each failing on the log it waits for.
      await saidTimes(p, 'lab data still cannot be written', 7);
      const failed = said(p, 'could not write lab data');
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ level: 50, lab: 'demo', file: 'commands.ndjson' });
      expect(failed[0].err?.code).toBe('EISDIR');
      expect(said(p, 'lab data written again')).toEqual([]);

      rmdirSync(log);
      const ok = await http(`${url}/api/labs/demo/commands`, { method: 'POST', body: body(0.9) });
      expect(ok.body.ok, ok.text).toBe(true);
      await saidTimes(p, 'lab data written again', 1);
      const again = said(p, 'lab data written again');
      expect(again).toHaveLength(1);
      expect(again[0]).toMatchObject({ level: 30, lab: 'demo', file: 'commands.ndjson' });
      expect(again[0].failures).toBeGreaterThanOrEqual(8);
      expect(said(p, 'could not write lab data')).toHaveLength(1);
      const writes = lines(p).filter((l) => l.level >= 30 && /lab data/.test(l.msg));
      expect(writes.map((l) => l.msg)).toEqual(['could not write lab data', 'lab data written again']);
    } finally {
      await stop(p);
    }
  }, 60_000);
});
