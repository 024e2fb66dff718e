/**
 * The page's live link meets a lab being restored after a restart: the real client code
 * (connectLab + LabClient) against the real server, whose restore is held until the test lets it
 * go. The page shows "restoring", not an error, and opens the lab by itself once it is back.
 */
import { io } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { LabClient } from '../../client/src/lib/lab.svelte.js';
import { connectLab } from '../../client/src/lib/connect.js';
import { removeDir, restartHeld, startServer } from './helpers.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

/** Resolves once `pred` holds, checking after each turn of the event loop (bounded). */
async function until(pred: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a page joining a lab still being restored', () => {
  it('shows it restoring (no error), then gets its snapshot when the lab is back', async () => {
    const first = await startServer();
    cleanup.push(() => removeDir(first.dataDir));
    const made = await first.server.registry.create({ id: 'keep', preset: 'demo' });
    expect(made.ok).toBe(true);
    first.advance(2000);
    await first.close();

    // The same data directory, with every engine build held until `release`.
    const { url, server, release } = await restartHeld(first.dataDir);
    cleanup.push(async () => {
      release();
      await server.close();
    });

    const client = new LabClient('keep');
    let labsTold = 0;
    const disconnect = connectLab(client, {
      open: (o) => io(url, o),
      token: undefined,
      onLabs: () => labsTold++,
    });
    cleanup.push(disconnect);
    await until(() => client.restoring, 'the restoring answer');
    // Connected: the lab menu is told to ask for the list again.
    expect(labsTold).toBeGreaterThanOrEqual(1);
    expect(client.ready).toBe(false);
    expect(client.joinError).toBeNull();
    expect(client.lastError).toBeNull();

    release();
    await server.restored;
    await until(() => client.ready, 'the snapshot');
    expect(client.restoring).toBe(false);
    expect(client.state?.id).toBe('keep');
    expect(client.state?.vps.length).toBe(6);
    expect(client.joinError).toBeNull();
  });
});
