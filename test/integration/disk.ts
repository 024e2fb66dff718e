/**
 * Disk-side helpers of the durability tests: a small tmpfs to fill (where this machine lets a
 * test mount one), labs each given a load of their own, and what a lab's recorded session says it
 * applied.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { http } from './helpers.js';

/** A 4 MB tmpfs at a new folder; `mounted` false where it cannot be mounted (then the test is skipped). */
export function smallTmpfs(prefix: string): { dir: string; mounted: boolean; release(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  let mounted = false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'ignore' });
    mounted = true;
  } catch {
    mounted = false;
  }
  return {
    dir,
    mounted,
    release() {
      if (mounted) execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes to `file` until the disk refuses; throws unless it refused for want of space (ENOSPC). */
export function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOSPC')
      throw new Error(`filling ${file}: expected ENOSPC, got ${code ?? String(e)}`, { cause: e });
  } finally {
    closeSync(fd);
  }
}

/** The web-1 CPU loads the demo lab has applied, in order (from its recorded session). */
export async function appliedLoads(url: string): Promise<number[]> {
  const s = await http(`${url}/api/labs/demo/scenario`);
  if (s.status !== 200) throw new Error(`scenario of demo: HTTP ${s.status}`);
  return (s.body.data.events as { type: string; vps?: string; load?: { cpu?: number } }[])
    .filter((e) => e.type === 'setLoad' && e.vps === 'web-1')
    .map((e) => e.load?.cpu as number);
}

/**
 * Gives each lab of `ids` its own web-1 CPU load, `cpu(i)`, creating it from the demo preset first
 * unless it is the server's own demo lab; returns the tick each load was applied at.
 */
export async function labsWithOwnLoads(
  url: string,
  ids: readonly string[],
  cpu: (i: number) => number,
): Promise<Record<string, number>> {
  const ticks: Record<string, number> = {};
  for (const [i, id] of ids.entries()) {
    if (id !== 'demo') {
      const created = await http(`${url}/api/labs`, { method: 'POST', body: { id, preset: 'demo' } });
      if (created.status !== 201)
        throw new Error(`creating ${id}: ${created.status} ${JSON.stringify(created.body)}`);
    }
    const r = await http(`${url}/api/labs/${id}/commands`, {
      method: 'POST',
      body: { type: 'setLoad', vps: 'web-1', load: { cpu: cpu(i) } },
    });
    if (!r.body.ok) throw new Error(`setLoad on ${id}: ${JSON.stringify(r.body)}`);
    ticks[id] = r.body.data.tick;
  }
  return ticks;
}
