import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openFileStore, writeAtomic } from '../../../server/lab/fileStore.js';
import { LabExistsError, StoreLockedError, type Store } from '../../../server/lab/store.js';
import { parseStoredLab } from '../../../server/lab/stored.js';
import { redisNames } from '../../../server/cluster/keys.js';
import { silentLogger } from '../../../server/log.js';
import { fakeScenario } from './fakeEngine.js';

const dirs: string[] = [];
const stores: Store[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'store-'));
  dirs.push(d);
  return d;
};
const open = async (dir: string) => {
  const s = await openFileStore(dir, silentLogger());
  stores.push(s);
  return s;
};
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const rec = (seq: number, tick: number) => ({
  seq,
  tick,
  by: 'x',
  command: { type: 'removeVps' as const, vps: `vps-${seq}` },
});

describe('file store', () => {
  it('keeps meta, appended commands and the latest snapshot, in order', async () => {
    const dir = tmp();
    const store = await open(dir);
    await store.create({ version: 1, id: 'a', scenario: fakeScenario(), createdAt: 'now' });
    void store.append('a', rec(1, 3));
    void store.append('a', rec(2, 5));
    await store.saveSnapshot('a', {
      tick: 6,
      seq: 2,
      engines: [{ n: 2 }],
      speed: 2,
      paused: true,
      events: [],
      savedAt: 'later',
    });
    await store.flush();
    expect(await store.list()).toEqual(['a']);
    const raw = (await store.load('a'))!;
    const lab = parseStoredLab('a', raw);
    expect(lab.ok).toBe(true);
    if (!lab.ok) return;
    expect(lab.data.meta.id).toBe('a');
    expect(lab.data.commands.map((c) => c.seq)).toEqual([1, 2]);
    expect(lab.data.snapshot).toMatchObject({ tick: 6, engines: [{ n: 2 }] });
    expect(readdirSync(path.join(dir, 'labs', 'a')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('resolves an append only once its record is in the file', async () => {
    const dir = tmp();
    const store = await open(dir);
    await store.create({ version: 1, id: 'a', scenario: fakeScenario(), createdAt: 'now' });
    const file = path.join(dir, 'labs', 'a', 'commands.ndjson');
    const seen: number[] = [];
    // Appends of one turn go as one group; each resolves after the whole group is written.
    await Promise.all(
      [1, 2, 3].map((i) =>
        store.append('a', rec(i, i)).then(() => {
          const lines = readFileSync(file, 'utf8').trim().split('\n');
          seen.push(lines.length);
        }),
      ),
    );
    expect(seen).toEqual([3, 3, 3]);
  });

  it('cuts a torn last line back to the last whole record, on disk too', async () => {
    const dir = tmp();
    const store = await open(dir);
    await store.create({ version: 1, id: 'ok', scenario: fakeScenario(), createdAt: 'now' });
    await store.append('ok', rec(1, 1));
    await store.close();
    const file = path.join(dir, 'labs', 'ok', 'commands.ndjson');
    appendFileSync(file, '{"seq":2,"tick":');
    const again = await open(dir);
    const raw = (await again.load('ok'))!;
    expect(raw.commands).toHaveLength(1);
    expect(readFileSync(file, 'utf8').endsWith('}\n')).toBe(true);
    // The next record starts on a line of its own.
    await again.append('ok', rec(2, 2));
    const back = parseStoredLab('ok', (await again.load('ok'))!);
    expect(back.ok && back.data.commands.map((c) => c.seq)).toEqual([1, 2]);
  });

  it('never creates a lab over a folder that holds data', async () => {
    const dir = tmp();
    const store = await open(dir);
    mkdirSync(path.join(dir, 'labs', 'demo'));
    writeFileSync(path.join(dir, 'labs', 'demo', 'commands.ndjson'), JSON.stringify(rec(1, 1)) + '\n');
    await expect(
      store.create({ version: 1, id: 'demo', scenario: fakeScenario(), createdAt: 'now' }),
    ).rejects.toBeInstanceOf(LabExistsError);
    expect(existsSync(path.join(dir, 'labs', 'demo', 'meta.json'))).toBe(false);
  });

  it('deletes on opening the temporary files of writes a crash interrupted, and nothing else', async () => {
    const dir = tmp();
    const first = await open(dir);
    await first.create({ version: 1, id: 'a', scenario: fakeScenario(), createdAt: 'now' });
    await first.close();
    const lab = path.join(dir, 'labs', 'a');
    // What a kill -9 in the middle of writeAtomic leaves: the half-written file beside the whole one.
    writeFileSync(path.join(lab, 'snapshot.json.4242.m0abc1x2y.tmp'), '{"tick": 12, "engi');
    writeFileSync(path.join(lab, 'meta.json.77.m0abc1z9q.tmp'), '');
    writeFileSync(path.join(lab, 'start.json.77.m0abc1z9r.tmp'), '{"tick"');
    writeFileSync(path.join(lab, 'notes.txt'), 'kept');
    const store = await open(dir);
    expect(readdirSync(lab).sort()).toEqual(['meta.json', 'notes.txt']);
    expect(await store.load('a')).toBeDefined();
  });

  it('logs a progress write that keeps failing once, not every second, and says when it works again', async () => {
    const dir = tmp();
    const lines: { level: number; msg: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const store = await openFileStore(dir, logger);
    stores.push(store);
    await store.create({ version: 1, id: 'a', scenario: fakeScenario(), createdAt: 'now' });
    const progress = path.join(dir, 'labs', 'a', 'progress.json');
    mkdirSync(progress);
    for (let tick = 1; tick <= 5; tick++) await store.saveProgress('a', tick).catch(() => undefined);
    expect(lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual(['could not write lab data']);
    rmSync(progress, { recursive: true });
    await store.saveProgress('a', 6);
    expect(lines.at(-1)!.msg).toBe('progress.json is written again');
    expect(JSON.parse(readFileSync(progress, 'utf8')).tick).toBe(6);
  });

  it('moves a lab to quarantine with the reason, and forgets a removed one', async () => {
    const dir = tmp();
    const store = await open(dir);
    await store.create({ version: 1, id: 'bad', scenario: fakeScenario(), createdAt: 'now' });
    await store.create({ version: 1, id: 'gone', scenario: fakeScenario(), createdAt: 'now' });
    await store.quarantine('bad', 'meta.json: id: wrong');
    await store.remove('gone');
    expect(await store.list()).toEqual([]);
    const [q] = readdirSync(path.join(dir, 'quarantine'));
    expect(q).toMatch(/^bad-/);
    expect(readFileSync(path.join(dir, 'quarantine', q, 'reason.txt'), 'utf8')).toMatch(
      /meta\.json: id: wrong/,
    );
    expect(existsSync(path.join(dir, 'quarantine', q, 'meta.json'))).toBe(true);
  });

  it('is locked while open: a second opener is refused; a lock left by a dead process is replaced', async () => {
    const dir = tmp();
    const store = await open(dir);
    await expect(openFileStore(dir, silentLogger())).rejects.toBeInstanceOf(StoreLockedError);
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    // A pid that cannot be alive (above the kernel's pid_max).
    writeFileSync(path.join(dir, 'server.lock'), JSON.stringify({ pid: 2 ** 30 }));
    const next = await open(dir);
    expect(JSON.parse(readFileSync(path.join(dir, 'server.lock'), 'utf8')).pid).toBe(process.pid);
    await next.close();
    expect(existsSync(path.join(dir, 'server.lock'))).toBe(false);
  });

  it('replaces a lock whose pid names another process than the one that wrote it (a restart under the same pid)', async () => {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    const parentStart = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    const lock = path.join(tmp(), 'server.lock');
    const dir = path.dirname(lock);
    const attempt = async (rec: object) => {
      writeFileSync(lock, JSON.stringify(rec));
      const s = await openFileStore(dir, silentLogger());
      await s.close();
    };
    // This very pid, not held by this process: the server before a container restart, say.
    await attempt({ pid: process.pid, boot });
    expect(existsSync(lock)).toBe(false);
    // A live pid that started at another time than the lock's owner, or a lock from another boot.
    await attempt({ pid: process.ppid, boot, start: String(Number(parentStart) + 1) });
    await attempt({ pid: process.ppid, boot: 'another-boot', start: parentStart });
    // The live owner itself, as it wrote its lock: refused, naming it.
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, boot, start: parentStart }));
    await expect(openFileStore(dir, silentLogger())).rejects.toThrow(
      new RegExp(`in use by another server \\(pid ${process.ppid}`),
    );
  });

  it('replaces a lab whole on reset: new meta, empty log, no snapshot, progress or start; later records go to the new log', async () => {
    const dir = tmp();
    const store = await open(dir);
    await store.create({ version: 1, id: 'a', scenario: fakeScenario(), createdAt: 'first' });
    const snap = { tick: 6, seq: 1, engines: [{}], speed: 1, paused: false, events: [], savedAt: 'x' };
    await store.saveStart('a', { ...snap, tick: 0, seq: 0 });
    await store.append('a', rec(1, 3));
    await store.saveSnapshot('a', snap);
    await store.saveProgress('a', 9);
    expect((await store.load('a'))!.start).toBe(JSON.stringify({ ...snap, tick: 0, seq: 0 }));
    await store.replace({ version: 1, id: 'a', scenario: fakeScenario(), createdAt: 'second' });
    const raw = (await store.load('a'))!;
    expect(JSON.parse(raw.meta!).createdAt).toBe('second');
    expect(raw).toMatchObject({ snapshot: undefined, progress: undefined, start: undefined, commands: [] });
    await store.append('a', rec(1, 2));
    await store.saveProgress('a', 4);
    await store.flush();
    const back = parseStoredLab('a', (await store.load('a'))!);
    expect(back.ok && [back.data.commands.map((c) => c.tick), back.data.progress]).toEqual([[2], 4]);
    expect(readdirSync(path.join(dir, 'labs'))).toEqual(['a']);
  });

  it('settles a reset a crash interrupted: before the swap the old data stays, after it the new', async () => {
    const dir = tmp();
    const labs = path.join(dir, 'labs');
    const folder = (name: string, createdAt: string, log = '') => {
      mkdirSync(path.join(labs, name), { recursive: true });
      writeFileSync(
        path.join(labs, name, 'meta.json'),
        JSON.stringify({
          version: 1,
          id: name.replace(/^\.(new|old)-/, ''),
          scenario: fakeScenario(),
          createdAt,
        }),
      );
      if (log) writeFileSync(path.join(labs, name, 'commands.ndjson'), log);
    };
    const line = JSON.stringify(rec(1, 1)) + '\n';
    // Crashed with the new data written, before the lab's folder moved: the old stays.
    folder('a', 'old', line);
    folder('.new-a', 'new');
    // Crashed between the two renames: the lab's folder is put back.
    folder('.old-b', 'old', line);
    folder('.new-b', 'new');
    // Crashed after the swap, before the old folder was deleted: the new stays.
    folder('c', 'new');
    folder('.old-c', 'old', line);
    const store = await open(dir);
    expect(await store.list()).toEqual(['a', 'b', 'c']);
    expect(readdirSync(labs).sort()).toEqual(['a', 'b', 'c']);
    for (const [id, createdAt, records] of [
      ['a', 'old', 1],
      ['b', 'old', 1],
      ['c', 'new', 0],
    ] as const) {
      const raw = (await store.load(id))!;
      expect([id, JSON.parse(raw.meta!).createdAt, raw.commands.length]).toEqual([id, createdAt, records]);
    }
  });

  it('writes atomically: the target is either the old or the new content', async () => {
    const dir = tmp();
    const file = path.join(dir, 'x.json');
    await writeAtomic(file, 'old');
    await Promise.all(Array.from({ length: 20 }, (_, i) => writeAtomic(file, `new-${i}`)));
    expect(readFileSync(file, 'utf8')).toMatch(/^new-\d+$/);
    expect(readdirSync(dir)).toEqual(['x.json']);
  });
});

describe('what is read back is validated', () => {
  const meta = JSON.stringify({ version: 1, id: 'a', scenario: fakeScenario(), createdAt: 'now' });
  it.each([
    ['a meta of the wrong shape', { meta: '{}', commands: [] }, /^meta\.json: version/],
    ['no meta', { commands: [] }, /meta\.json is missing/],
    ['a meta of another lab', { meta: meta.replace('"id":"a"', '"id":"b"'), commands: [] }, /meta\.json: id/],
    [
      'a record with a bad seq',
      { meta, commands: ['{"seq":-1,"tick":1,"by":"x","command":{}}'] },
      /line 1: seq/,
    ],
    [
      'a record with a tick beyond safe integers',
      { meta, commands: [JSON.stringify({ ...rec(1, 1), tick: 2 ** 60 })] },
      /line 1: tick/,
    ],
    [
      'a record with a command that does not parse',
      { meta, commands: [JSON.stringify({ ...rec(1, 1), command: { type: 'eval' } })] },
      /line 1: command\.type/,
    ],
    [
      'a clock record with a speed out of range',
      { meta, commands: ['{"seq":1,"tick":1,"by":"x","clock":{"paused":true,"speed":999}}'] },
      /line 1: clock\.speed/,
    ],
    [
      'a clock record that also carries a command',
      { meta, commands: [JSON.stringify({ ...rec(1, 1), clock: { paused: true, speed: 1 } })] },
      /line 1: \(root\): Unrecognized key: "command"/,
    ],
    [
      'a clock record with a request id but not the action it answers',
      { meta, commands: ['{"seq":1,"tick":1,"by":"x","clock":{"paused":true,"speed":1},"rid":"r-1"}'] },
      /line 1: rid: a clock record carries its request id and its action together/,
    ],
    [
      'a clock record whose action is not one',
      {
        meta,
        commands: [
          '{"seq":1,"tick":1,"by":"x","clock":{"paused":true,"speed":1},"rid":"r-1","action":{"action":"rewind"}}',
        ],
      },
      /line 1: action/,
    ],
    [
      'records out of order',
      { meta, commands: [JSON.stringify(rec(2, 5)), JSON.stringify(rec(1, 6))] },
      /line 2: seq: 1 does not follow 2/,
    ],
    [
      'a record repeated',
      { meta, commands: [JSON.stringify(rec(1, 5)), JSON.stringify(rec(1, 6))] },
      /line 2: seq: 1 does not follow 1/,
    ],
    [
      'records missing in the middle of the log',
      { meta, commands: [1, 2, 3, 4, 5, 9, 10].map((n) => JSON.stringify(rec(n, n))) },
      /^commands\.ndjson line 6: seq: 9 where 6 was expected; records 6 to 8 are missing/,
    ],
    [
      'one record missing',
      { meta, commands: [1, 3].map((n) => JSON.stringify(rec(n, n))) },
      /^commands\.ndjson line 2: seq: 3 where 2 was expected; record 2 is missing/,
    ],
    [
      'a log whose first records are missing',
      { meta, commands: [3, 4].map((n) => JSON.stringify(rec(n, n))) },
      /^commands\.ndjson line 1: seq: 3 where 1 was expected; records 1 to 2 are missing/,
    ],
    [
      'garbage in the middle of the log',
      { meta, commands: ['{"seq":1', JSON.stringify(rec(2, 2))] },
      /line 1: not valid JSON/,
    ],
  ])('refuses %s, naming the file and field', (_name, raw, why) => {
    const r = parseStoredLab('a', raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(why);
  });

  /** A snapshot at `tick` holding records up to `seq`, engines as the fake engine saves them. */
  const snapAt = (tick: number, seq: number) =>
    JSON.stringify({
      tick,
      seq,
      engines: [{ tick, n: 0 }],
      speed: 1,
      paused: false,
      events: [],
      savedAt: '',
    });
  const log = (...seqs: number[]) => seqs.map((n) => JSON.stringify(rec(n, n)));

  it('refuses a gap in a log with a snapshot, before it or after it', () => {
    for (const commands of [log(1, 2, 4, 5, 6), log(1, 2, 3, 4, 6)]) {
      const r = parseStoredLab('a', { meta, snapshot: snapAt(4, 4), commands });
      expect(r.ok, commands.join()).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/^commands\.ndjson line \d: seq: \d where \d was expected/);
    }
    const whole = parseStoredLab('a', { meta, snapshot: snapAt(4, 4), commands: log(1, 2, 3, 4, 5, 6) });
    expect(whole.ok).toBe(true);
  });

  it('lets a store whose log begins again after its snapshot skip what the snapshot holds, not what follows it', () => {
    const names = redisNames('a');
    const late = (snapshot: string | undefined, commands: string[]) =>
      parseStoredLab('a', { meta, snapshot, commands, names, logFromSnapshot: true });
    const started = late(snapAt(4, 4), log(3, 5, 6));
    expect(started.ok).toBe(true);
    if (started.ok) expect(started.data.commands.map((c) => c.seq)).toEqual([3, 5, 6]);
    const after = late(snapAt(4, 4), log(3, 4, 6, 7));
    expect(after.ok).toBe(false);
    if (!after.ok)
      expect(after.error).toMatch(
        /^contention:log:a entry 3: seq: 6 where 5 was expected; record 5 is missing/,
      );
    // Without a snapshot it is re-run from its start: record 1 on.
    const bare = late(undefined, log(2, 3));
    expect(bare.ok).toBe(false);
    if (!bare.ok) expect(bare.error).toMatch(/^contention:log:a entry 1: seq: 2 where 1 was expected/);
  });

  it.each([
    ['{}', /snapshot\.json: tick/],
    [
      JSON.stringify({ tick: 1e12, seq: 0.5, engines: [], speed: 1, paused: false, events: [], savedAt: '' }),
      /seq/,
    ],
    ['not json', /not valid JSON/],
  ])('sets a damaged snapshot aside (%s) and keeps meta and log', (snapshot, why) => {
    const r = parseStoredLab('a', { meta, snapshot, commands: [JSON.stringify(rec(1, 1))] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.snapshot).toBeUndefined();
    expect(r.data.commands).toHaveLength(1);
    expect(r.data.notes.join('\n')).toMatch(why);
  });
});
