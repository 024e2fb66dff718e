/**
 * A start reads each saved lab once: the viewers its log names are counted and the lab is restored
 * from that one read. Before, every lab was read twice (once for its viewers, again to restore it).
 * What a read says of a damaged lab (a torn last write cut from its log) is said once, and the labs
 * come back as they were, a viewer connecting after the start numbered past those in their logs.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { SnapshotMessage } from '../../shared/protocol.js';
import { openFileStore } from '../../server/lab/fileStore.js';
import type { Store } from '../../server/lab/store.js';
import { client, http, removeDir, request, settle, startServer, waitFor } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe('a start with saved labs', () => {
  it('reads each lab once, says a torn log once, and brings every lab back', async () => {
    const t = await startServer();
    dirs.push(t.dataDir);
    for (const id of ['a', 'b']) {
      const made = await http(`${t.url}/api/labs`, { method: 'POST', body: { id, preset: 'demo' } });
      expect(made.status, made.text).toBe(201);
    }
    // A viewer steers lab "a": its log names it.
    const s = await client(t.url);
    expect((await request<{ ok: boolean }>(s, 'join', { lab: 'a' })).ok).toBe(true);
    const ack = await settle(
      t,
      request<{ ok: boolean }>(s, 'command', { lab: 'a', type: 'setLoad', vps: 'web-1', load: { cpu: 0.3 } }),
    );
    expect(ack.ok).toBe(true);
    s.close();
    const steered = await http(`${t.url}/api/labs/a`);
    t.advance(2000);
    await t.close();
    // A last write a crash cut short, in lab "b"'s log.
    appendFileSync(path.join(t.dataDir, 'labs', 'b', 'commands.ndjson'), '{"seq":1,"tick":3');

    const lines: { msg?: string; lab?: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const real = await openFileStore(t.dataDir, logger);
    const loads: string[] = [];
    const store: Store = {
      ...real,
      load: (id) => {
        loads.push(id);
        return real.load(id);
      },
    };
    const again = await startServer({ dataDir: t.dataDir, store, logger });
    try {
      const ids = ((await http(`${again.url}/api/labs`)).body.data as { id: string }[]).map((l) => l.id);
      expect(ids.sort()).toEqual(['a', 'b']);
      expect(loads.sort()).toEqual(['a', 'b']);
      const cut = lines.filter((l) => l.msg?.startsWith('cut a torn last write'));
      expect(cut.map((l) => l.lab)).toEqual(['b']);
      const back = await http(`${again.url}/api/labs/a`);
      expect(back.body.data.vps).toEqual(steered.body.data.vps);

      // A viewer connecting now is numbered past the one lab "a"'s log names.
      const log = readFileSync(path.join(t.dataDir, 'labs', 'a', 'commands.ndjson'), 'utf8');
      const by = (JSON.parse(log.split('\n')[0]) as { by: string }).by;
      expect(by).toMatch(/^viewer \d+$/);
      const viewer = await client(again.url);
      const snap = waitFor<SnapshotMessage>(viewer, 'snapshot', (m) => m.lab === 'a');
      expect((await request<{ ok: boolean }>(viewer, 'join', { lab: 'a' })).ok).toBe(true);
      const you = (await snap).you!;
      viewer.close();
      expect(Number(you.split(' ')[1])).toBeGreaterThan(Number(by.split(' ')[1]));
    } finally {
      await again.close();
    }
  });
});
