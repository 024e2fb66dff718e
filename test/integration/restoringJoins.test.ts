/**
 * Joins of labs still being restored after a restart, as a connection sends them: one connection
 * may watch several labs, so it may wait for several restores at once, and it may leave a lab
 * before its restore is done. Each lab it joined (and did not leave) sends its snapshot once it is
 * back; a lab it left sends it nothing. The real app on port 0, a real DATA_DIR saved by an earlier
 * run, its restore held until the test lets it go.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { SnapshotMessage } from '../../shared/protocol.js';
import { client, removeDir, request, restartHeld, startServer, type Client } from './helpers.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

/** The labs whose snapshots `socket` receives from now on. */
function snapshots(socket: Client): string[] {
  const labs: string[] = [];
  (socket as unknown as { on(e: string, f: (m: SnapshotMessage) => void): void }).on('snapshot', (m) =>
    labs.push(m.lab),
  );
  return labs;
}

describe('joins of labs being restored', () => {
  it('each joined lab sends its snapshot once back; a lab left meanwhile sends none', async () => {
    const first = await startServer();
    cleanup.push(() => removeDir(first.dataDir));
    for (const id of ['one', 'two'])
      expect((await first.server.registry.create({ id, preset: 'demo' })).ok).toBe(true);
    first.advance(1000);
    await first.close();

    const { url, server, release } = await restartHeld(first.dataDir);
    cleanup.push(async () => {
      release();
      await server.close();
    });

    const both = await client(url);
    const left = await client(url);
    cleanup.push(
      () => void both.disconnect(),
      () => void left.disconnect(),
    );
    const toBoth = snapshots(both);
    const toLeft = snapshots(left);
    for (const lab of ['one', 'two'])
      expect(await request(both, 'join', { lab })).toEqual({ ok: true, data: { lab, restoring: true } });
    expect(await request(left, 'join', { lab: 'one' })).toEqual({
      ok: true,
      data: { lab: 'one', restoring: true },
    });
    expect(await request(left, 'leave', { lab: 'one' })).toEqual({ ok: true, data: { lab: 'one' } });

    release();
    await server.restored;
    // A message sent after the snapshots would be: once it is answered, they have arrived.
    await request(both, 'leave', { lab: 'none' });
    await request(left, 'leave', { lab: 'none' });
    expect(toBoth.sort()).toEqual(['one', 'two']);
    expect(toLeft).toEqual([]);
  });
});
