/**
 * A lab's CSV is written a bounded number of rows at a time, letting the server turn between
 * pieces: a download of a big lab's history (anyone watching may ask for it) does not stop every
 * other lab's ticks and frames while it is written.
 */
import { spawn } from 'node:child_process';
import { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { bigScenario } from './bigScenario.js';
import { http, removeDir, startServer } from './helpers.js';

/** GET `url` from a child process: its status, how many lines it had, and its last line. */
function download(url: string): Promise<{ status: number; rows: number; last: string }> {
  const script = `
    const r = await fetch(${JSON.stringify(url)});
    let rows = 0, tail = '';
    const d = new TextDecoder();
    for await (const c of r.body) {
      const s = tail + d.decode(c, { stream: true });
      const lines = s.split('\\n');
      tail = lines.pop();
      rows += lines.length;
      if (lines.length) globalThis.lastLine = lines.at(-1);
    }
    process.stdout.write(JSON.stringify({ status: r.status, rows: rows + (tail ? 1 : 0), last: tail || globalThis.lastLine }));
  `;
  return new Promise((done, failed) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (b: Buffer) => (text += b.toString()));
    child.on('error', failed);
    child.on('close', () => {
      try {
        done(JSON.parse(text) as { status: number; rows: number; last: string });
      } catch (e) {
        failed(e as Error);
      }
    });
  });
}

describe('metrics.csv of a big lab', () => {
  it('is written in pieces: the server keeps turning while it streams', { timeout: 120_000 }, async () => {
    const t = await startServer({ persist: false });
    try {
      const made = await http(`${t.url}/api/labs`, {
        method: 'POST',
        body: { id: 'big', scenario: bigScenario(256, 5, 2) },
      });
      expect(made.status).toBe(201);
      const lab = t.server.registry.get('big')!;
      // 400 ticks, a second at a time (each second's ticks are run at once, not caught up later).
      for (let s = 0; s < 40; s++) {
        t.advance(1000);
        await new Promise((go) => setTimeout(go, 0));
      }
      await lab.clock({ action: 'pause' }, 'test');
      await new Promise((go) => setTimeout(go, 50));
      expect(lab.tick).toBe(400);
      expect(lab.history.firstTick).toBe(0);
      expect(lab.history.lastTick).toBe(lab.tick - 1);

      // How many rows the route hands its response between two turns of the server's event loop
      // (counted where they are written, so the figure does not depend on how busy the machine is).
      const write = ServerResponse.prototype.write;
      let rowsThisTurn = 0,
        mostRowsInATurn = 0,
        turns = 0,
        watching = true;
      ServerResponse.prototype.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
        if (typeof chunk === 'string')
          for (let k = chunk.indexOf('\n'); k >= 0; k = chunk.indexOf('\n', k + 1)) rowsThisTurn++;
        return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
      } as typeof write;
      const turn = () => {
        mostRowsInATurn = Math.max(mostRowsInATurn, rowsThisTurn);
        rowsThisTurn = 0;
        turns++;
        if (watching) setImmediate(turn);
      };
      setImmediate(turn);
      let out: Awaited<ReturnType<typeof download>>;
      try {
        // Downloaded by another process, as a browser would.
        out = await download(`${t.url}/api/labs/big/metrics.csv`);
      } finally {
        watching = false;
        ServerResponse.prototype.write = write;
      }
      mostRowsInATurn = Math.max(mostRowsInATurn, rowsThisTurn);

      expect(out.status).toBe(200);
      expect(out.rows).toBe(1 + 256 * lab.tick);
      expect(out.last).toMatch(new RegExp(`^${lab.tick - 1},`));
      // ~100 000 rows, written about 1 000 rows (and at least one tick) at a time with a turn of the
      // event loop after each: no turn may see more than two such pieces, and the loop turns at
      // least once a piece. Written in one go, one turn would see all of them.
      expect(mostRowsInATurn, `${turns} turns`).toBeLessThanOrEqual(2 * (1000 + 256));
      expect(turns).toBeGreaterThanOrEqual(Math.floor((256 * lab.tick) / (1000 + 256)));
    } finally {
      await t.close();
      removeDir(t.dataDir);
    }
  });
});
