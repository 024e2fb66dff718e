/**
 * A power cut in the middle of the command log's last write. The real server writes a lab's log
 * (two commands, then a batch of three applied all together), stops; then the log is torn at every
 * byte offset of its last write, as a power cut can leave it: cut short there, or with the disk's
 * blocks from there on never written (zeros) but the file's length kept. Each torn copy is opened
 * by the real file store and validated as a restore does: the torn write is detected and dropped
 * (never half a batch), the file is cut back to what precedes it (so later records follow whole
 * ones), every earlier record stays, and the lab is never set aside. A restart of the real server
 * on torn copies brings the lab back at the last whole record.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileStore } from '../../server/lab/fileStore.js';
import { parseStoredLab } from '../../server/lab/stored.js';
import type { Store } from '../../server/lab/store.js';
import { silentLogger } from '../../server/log.js';
import { http, settle, startServer } from './helpers.js';

const dirs: string[] = [];
/**
 * The tears are read from memory where the machine has it (tmpfs): each of the ~900 is written and
 * cut back once, and on a disk busy with other suites' fsyncs every cut can wait for a journal
 * commit. What is tested is what the store reads and cuts, not the disk.
 */
const MEMORY = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const tempDir = (root = tmpdir()) => {
  const d = mkdtempSync(path.join(root, 'torn-log-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const setLoad = (vps: string, cpu: number) => ({ type: 'setLoad', vps, load: { cpu } });
/** The lab's folder as the server left it, and its log. */
let source: string;
let log: Buffer;
/** Byte offsets where each line of the log ends (after its newline). */
let ends: number[];

beforeAll(async () => {
  const t = await startServer();
  const made = await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'demo', preset: 'demo' } });
  expect(made.status, made.text).toBe(201);
  const post = (body: unknown) =>
    settle(t, http(`${t.url}/api/labs/demo/commands`, { method: 'POST', body }));
  for (const body of [
    setLoad('web-1', 0.1),
    setLoad('web-1', 0.2),
    [setLoad('web-1', 0.3), setLoad('db-1', 0.4), setLoad('batch-1', 0.5)],
  ]) {
    const r = await post(body);
    expect(r.status, r.text).toBe(200);
  }
  await t.close();
  source = path.join(t.dataDir, 'labs', 'demo');
  log = readFileSync(path.join(source, 'commands.ndjson'));
  ends = [];
  for (let i = 0; i < log.length; i++) if (log[i] === 0x0a) ends.push(i + 1);
  expect(ends.length).toBe(5);
}, 60_000);

/** A DATA_DIR holding the lab with `commands` as its log (no snapshot: the cut came before one). */
function dataDirWith(commands: Buffer, root?: string): string {
  const dataDir = tempDir(root);
  const lab = path.join(dataDir, 'labs', 'demo');
  cpSync(source, lab, { recursive: true });
  rmSync(path.join(lab, 'snapshot.json'), { force: true });
  writeFileSync(path.join(lab, 'commands.ndjson'), commands);
  return dataDir;
}

/** One DATA_DIR and the real file store on it, each torn log written in turn as the lab's log. */
let opened: { dataDir: string; store: Store } | undefined;
afterAll(async () => {
  await opened?.store.close();
});

/** What the store and a restore make of a torn log: the loads its records set, and the file after. */
async function restoredFrom(commands: Buffer): Promise<{ loads: number[]; file: Buffer }> {
  if (!opened) {
    const dataDir = dataDirWith(Buffer.alloc(0), MEMORY);
    opened = { dataDir, store: await openFileStore(dataDir, silentLogger()) };
  }
  const file = path.join(opened.dataDir, 'labs', 'demo', 'commands.ndjson');
  writeFileSync(file, commands);
  const raw = await opened.store.load('demo');
  const parsed = parseStoredLab('demo', raw!);
  if (!parsed.ok) throw new Error(`the lab would be set aside: ${parsed.error}`);
  const loads = parsed.data.commands.map((c) =>
    'command' in c ? (c.command as { load: { cpu: number } }).load.cpu : NaN,
  );
  return { loads, file: readFileSync(file) };
}

/** Every way a power cut can tear the write that ends at `end` (begun at `start`): cut at each offset, or zeros from it on. */
function* tears(start: number, end: number): Generator<[string, Buffer]> {
  for (let at = start; at < end; at++) {
    yield [`cut at byte ${at}`, log.subarray(0, at)];
    const zeros = Buffer.from(log.subarray(0, end));
    zeros.fill(0, at, end);
    yield [`zeros from byte ${at}`, zeros];
    // Blocks past `at` written, those from `at` not: zeros, then the write's last bytes.
    if (end - at > 2) {
      const hole = Buffer.from(log.subarray(0, end));
      hole.fill(0, at, end - 1);
      yield [`zeros from byte ${at}, the newline written`, hole];
    }
  }
}

describe('a command log torn by a power cut in its last write', () => {
  it('drops a torn single record, keeping every earlier one', async () => {
    const [first, second] = ends;
    for (const [how, torn] of tears(first, second)) {
      const r = await restoredFrom(torn);
      expect(r.loads, how).toEqual([0.1]);
      expect(r.file.equals(log.subarray(0, first)), `${how}: the file is cut back to the whole records`).toBe(
        true,
      );
    }
    expect((await restoredFrom(log.subarray(0, second))).loads).toEqual([0.1, 0.2]);
  }, 180_000);

  it('drops a torn batch whole, never half of it', async () => {
    const start = ends[1];
    for (const [how, torn] of tears(start, log.length)) {
      const r = await restoredFrom(torn);
      expect(r.loads, how).toEqual([0.1, 0.2]);
      expect(r.file.equals(log.subarray(0, start)), `${how}: the file is cut back to the whole records`).toBe(
        true,
      );
    }
    expect((await restoredFrom(log)).loads).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
  }, 180_000);

  it('the server restarted on a torn log runs the lab at its last whole record', async () => {
    // Torn inside the batch's second record, and inside its first with its newline written.
    const mid = Buffer.from(log.subarray(0, ends[3] + 20));
    const hole = Buffer.from(log);
    hole.fill(0, ends[1] + 5, log.length - 1);
    for (const torn of [mid, hole]) {
      const t = await startServer({ dataDir: dataDirWith(torn) });
      try {
        const lab = (await http(`${t.url}/api/labs/demo`)).body.data;
        const cpu = (id: string) => lab.vps.find((v: { id: string }) => v.id === id).load.cpu;
        expect(cpu('web-1')).toBe(0.2);
        expect(cpu('db-1')).not.toBe(0.4);
        const r = await settle(
          t,
          http(`${t.url}/api/labs/demo/commands`, { method: 'POST', body: setLoad('web-1', 0.6) }),
        );
        expect(r.status, r.text).toBe(200);
      } finally {
        await t.close();
      }
    }
  }, 60_000);
});
