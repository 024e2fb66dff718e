/**
 * A lab's CSV is written a bounded number of rows at a time, letting the server turn between
 * pieces: a download of a big lab's history (anyone watching may ask for it) does not stop every
 * other lab's ticks and frames while it is written.
 */
import { spawn } from 'node:child_process';
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

      // How long the server goes without turning while the CSV is written (a 5 ms timer's lateness).
      let longest = 0;
      let last = performance.now();
      const beat = setInterval(() => {
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
      }, 5);
      // Downloaded by another process, as a browser would: this one's pauses are the server's own.
      const started = performance.now();
      const out = await download(`${t.url}/api/labs/big/metrics.csv`);
      const took = performance.now() - started;
      clearInterval(beat);

      expect(out.status).toBe(200);
      expect(out.rows).toBe(1 + 256 * lab.tick);
      expect(out.last).toMatch(new RegExp(`^${lab.tick - 1},`));
      // Writing ~100 000 rows takes a while; no one stretch of it may hold the server for long: not
      // five ticks at the default 100 ms (a chart visibly stops). Written in 200-tick pieces, one
      // stretch held it 1.2-1.6 s on an idle machine; the bound leaves room for a machine busy with
      // other suites, whose scheduler alone can hold this process for tens of ms.
      expect(longest, `longest stall ${longest.toFixed(0)} ms of ${took.toFixed(0)} ms`).toBeLessThan(500);
    } finally {
      await t.close();
      removeDir(t.dataDir);
    }
  });
});
