/**
 * Fuzz: 10 000+ random and malformed payloads over socket.io and REST, batches among them
 * (seeded, reproducible). The process stays up and responsive, a lab's state changes only through
 * commands that were valid and acknowledged, and memory stays bounded. Then REST batches on their
 * own (all or nothing, the error naming `commands[i]`), join floods of random payloads at random
 * rates, and a DATA_DIR of randomly damaged labs: the server starts, and each lab is restored or
 * quarantined.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand, type Command } from '../../shared/commands.js';
import { createRun } from '../../server/scenario.js';
import { GUEST_FAULTS, HOST_FAULTS, MODE_IDS } from '../../shared/model.js';
import type { Ack } from '../../shared/protocol.js';
import { VPS_METRICS } from '../../shared/model.js';
import { client, http, removeDir, settle, startServer, type Client, type TestServer } from './helpers.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261121);
const SOCKET_MESSAGES = Number(process.env.FUZZ_SOCKET ?? 6000);
const REST_REQUESTS = Number(process.env.FUZZ_REST ?? 4000);
const DATA_LABS = Number(process.env.FUZZ_DATA_LABS ?? 40);
const BATCHES = Number(process.env.FUZZ_BATCHES ?? 300);
const JOINERS = Number(process.env.FUZZ_JOINERS ?? 20);

function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}
type R = ReturnType<typeof rng>;

const NUMBERS = [0, -0, 1, -1, 0.5, 4, 4.0001, 1e308, -1e308, 2 ** 53, 1e-320, 3.14159, 256, 65_536, 1e9];
const STRINGS = [
  '',
  'web-1',
  'batch-1',
  'nope',
  'f',
  '__proto__',
  'constructor',
  'toString',
  '../../etc/passwd',
  '💥',
  'a'.repeat(300),
  '<script>',
  'null',
  '{"a":1}',
];
const KEYS = [
  'type',
  'vps',
  'load',
  'cpu',
  'mem',
  'fault',
  'lab',
  'action',
  'speed',
  'ticks',
  'mode',
  'plan',
  'vcpus',
  '__proto__',
  'constructor',
  'prototype',
  'x',
];

function value(r: R, depth = 0): unknown {
  const k = r.int(depth > 3 ? 4 : 7);
  if (k === 0) return r.pick(NUMBERS) * (r.next() < 0.5 ? 1 : r.next());
  if (k === 1) return r.pick(STRINGS);
  if (k === 2) return r.pick([true, false, null]);
  if (k === 3) return r.int(1000) - 500;
  if (k === 4) return Array.from({ length: r.int(5) }, () => value(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = r.int(5); i > 0; i--) o[r.pick(KEYS)] = value(r, depth + 1);
  return o;
}

/** A plausible command, sometimes valid, usually broken in one place. */
function command(r: R): Record<string, unknown> {
  const vps = r.pick(['web-1', 'db-1', 'batch-1', 'ghost', '', 'x'.repeat(50)]);
  const base = r.pick<Record<string, unknown>>([
    { type: 'setLoad', vps, load: { cpu: r.next() * 5 - 0.5, disk: r.next() } },
    { type: 'setProfile', vps, profile: r.pick(['steady', 'bursty', 'chaotic']) },
    {
      type: 'startFault',
      vps,
      fault: r.pick([...GUEST_FAULTS, 'meteor']),
      durationS: r.pick([undefined, 0, 5, -1, 1e9]),
    },
    { type: 'stopFault', vps, fault: r.pick(GUEST_FAULTS) },
    { type: 'hostFault', fault: r.pick([...HOST_FAULTS, 'sun_flare']) },
    { type: 'resizeVps', vps, plan: { vcpus: r.pick([0, 1, 2.5, 8, 300]), ramGiB: r.pick([-1, 4, 1e6]) } },
    {
      type: 'addVps',
      vps: { id: r.pick(['new-1', 'web-1', '!!']), vcpus: r.int(4), ramGiB: 2, diskIops: 100, netMbps: 10 },
    },
    { type: 'removeVps', vps },
    { type: 'setMode', mode: r.pick([...MODE_IDS, 'quantum', { base: 'para', cpuPolicy: 'lottery' }]) },
  ]);
  const mutate = r.int(6);
  if (mutate === 0) delete base[r.pick(Object.keys(base))];
  else if (mutate === 1) base[r.pick(KEYS)] = value(r);
  else if (mutate === 2) base.type = r.pick(['', 'SETLOAD', 'eval', 42]);
  return base;
}

function socketPayload(r: R): { event: string; args: unknown[] } {
  const event =
    r.next() < 0.9
      ? r.pick(['join', 'leave', 'command', 'clock'])
      : r.pick(['hack', 'snapshot', 'frame', '', 'x'.repeat(100)]);
  const k = r.int(10);
  let msg: unknown;
  if (k < 5) msg = { lab: r.pick(['f', 'f', 'nope', 42, undefined]), ...command(r) };
  else if (k < 7)
    msg = {
      lab: 'f',
      action: r.pick(['pause', 'resume', 'step', 'speed', 'rewind']),
      speed: r.pick([0, 0.25, 51, 'fast']),
      ticks: r.pick([0, 1, 601, -3]),
    };
  else if (k < 8) msg = Buffer.alloc(r.int(2000), r.int(256));
  else if (k < 9) msg = 'x'.repeat(r.pick([10, 1000, 70_000]));
  else msg = value(r);
  const args = r.next() < 0.3 ? [msg, value(r), value(r)] : [msg];
  return { event, args };
}

function restRequest(r: R): { method: string; path: string; raw?: string; contentType?: string } {
  const lab = r.pick(['f', 'nope', '%00', '..%2F..', 'x'.repeat(200), '__proto__']);
  const method = r.pick(['GET', 'POST', 'POST', 'POST', 'DELETE', 'PUT', 'PATCH']);
  const path = r.pick([
    '/api/labs',
    `/api/labs/${lab}`,
    `/api/labs/${lab}/commands`,
    `/api/labs/${lab}/clock`,
    `/api/labs/${lab}/metrics.csv?from=${r.pick(['x', '-1', '99999999999999999999', '3'])}`,
    `/api/labs/${lab}/history?points=${r.pick(['0', '-5', 'abc', '100000'])}&metrics=${r.pick(['latencyP99Ms', 'bogus', ''])}`,
    `/api/labs/${lab}/scenario`,
    '/api/presets',
    '/api/nothing',
    '/healthz',
  ]);
  // Never delete the lab under test with a well-formed request: that would be a valid change.
  if (method === 'DELETE' && path === '/api/labs/f') return { method: 'GET', path };
  const k = r.int(6);
  let raw: string | undefined;
  if (k === 0) raw = JSON.stringify(command(r));
  else if (k === 1) raw = JSON.stringify(Array.from({ length: r.int(4) }, () => command(r)));
  else if (k === 2) raw = JSON.stringify(value(r));
  else if (k === 3) raw = JSON.stringify(command(r)).slice(0, r.int(30));
  else if (k === 4)
    raw = JSON.stringify({
      id: r.pick(['fz', 'bad id', 'f']),
      preset: r.pick(['demo', 'nope', 42]),
      compare: r.pick([undefined, ['para'], ['para', 'full'], 'x']),
    });
  return {
    method,
    path,
    raw,
    contentType: r.pick([
      'application/json',
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
    ]),
  };
}

let t: TestServer;
beforeAll(async () => {
  t = await startServer({ config: { commandRate: 100_000, maxLabs: 4 } });
  const r = await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'f', preset: 'demo' } });
  expect(r.status).toBe(201);
});
afterAll(async () => {
  await t.close();
  removeDir(t.dataDir);
});

describe('fuzz', () => {
  it(`survives ${SOCKET_MESSAGES + REST_REQUESTS} random and malformed payloads (seed ${SEED})`, async () => {
    const r = rng(SEED);
    const lab = t.server.registry.get('f')!;
    /** Valid commands sent to the lab (acknowledged or not), and those acknowledged ok. */
    const candidates = new Set<string>();
    const acked: string[] = [];
    const key = (c: unknown) => {
      const v = parseCommand(c);
      return v.ok ? JSON.stringify(v.data) : null;
    };
    const sent = (c: unknown) => {
      const k = key(c);
      if (k) candidates.add(k);
    };
    const heapBefore = process.memoryUsage().heapUsed;
    let disconnects = 0;

    let socket: Client = await client(t.url);
    for (let i = 0; i < SOCKET_MESSAGES; i++) {
      if (!socket.connected) {
        disconnects++;
        socket.close();
        socket = await client(t.url);
      }
      const { event, args } = socketPayload(r);
      const first = args[0] as Record<string, unknown> | null;
      if (event === 'command' && first && typeof first === 'object' && first.lab === 'f') {
        const { lab: _l, ...cmd } = first;
        sent(cmd);
      }
      const known = ['join', 'leave', 'command', 'clock'].includes(event);
      const small = JSON.stringify(args[0] ?? null).length < 60_000;
      const withAck = known && small && r.next() < 0.7;
      if (withAck) {
        const s = socket;
        const reply = new Promise<Ack<unknown> | null>((resolve) => {
          s.once('disconnect', () => resolve(null));
          (s.timeout(5000) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<Ack<unknown>> })
            .emitWithAck(event, ...args)
            .then(resolve, () => resolve(null));
        });
        const ack = await settle(t, reply);
        if (ack && ack.ok && event === 'command') {
          const { lab: _l, ...cmd } = args[0] as Record<string, unknown>;
          acked.push(key(cmd) as string);
        }
      } else {
        (socket as unknown as { emit(e: string, ...a: unknown[]): void }).emit(event, ...args);
      }
    }
    socket.close();

    for (let i = 0; i < REST_REQUESTS; i++) {
      const q = restRequest(r);
      const headers: Record<string, string> = {};
      if (q.contentType) headers['content-type'] = q.contentType;
      if (q.path === '/api/labs/f/commands' && q.raw) {
        try {
          const body: unknown = JSON.parse(q.raw);
          for (const c of Array.isArray(body) ? body : [body]) sent(c);
        } catch {
          /* malformed on purpose */
        }
      }
      const res = await settle(
        t,
        fetch(`${t.url}${q.path}`, {
          method: q.method,
          headers,
          body: q.method === 'GET' ? undefined : q.raw,
          signal: AbortSignal.timeout(10_000),
        }).catch((e) => {
          throw new Error(`${q.method} ${q.path} ${q.contentType} ${q.raw?.slice(0, 200)}: ${String(e)}`);
        }),
        2,
      );
      const text = await res.text();
      expect(res.status, `${q.method} ${q.path}`).toBeLessThan(500);
      expect(text).not.toMatch(/\n\s+at .*:\d+:\d+/);
      if (q.path === '/api/labs/f/commands' && res.status === 200 && q.raw) {
        const body: unknown = JSON.parse(q.raw);
        for (const c of Array.isArray(body) ? body : [body]) acked.push(key(c) as string);
      }
    }

    // Still up and answering.
    expect((await http(`${t.url}/healthz`)).status).toBe(200);
    // The lab changed only through valid commands sent to it, and every acknowledged one applied.
    const applied = lab.engines[0].log().map((e) => JSON.stringify(e.command));
    for (const c of applied) expect(candidates.has(c), c).toBe(true);
    const left = [...applied];
    for (const a of acked) {
      const i = left.indexOf(a);
      expect(i, a).toBeGreaterThanOrEqual(0);
      left.splice(i, 1);
    }
    expect(acked.length).toBeGreaterThan(0);
    // And nothing else touched it: a fresh engine fed only the applied commands, at their ticks,
    // lands on exactly the same state (a refused command that half-applied would show here).
    const fresh = await createRun(lab.scenario);
    expect(fresh.ok).toBe(true);
    if (fresh.ok) {
      const e = fresh.data.engine;
      for (const { tick, command } of lab.engines[0].log()) {
        while (e.tick < tick) e.step();
        expect(e.apply(command).ok).toBe(true);
      }
      while (e.tick < lab.tick) e.step();
      expect(JSON.stringify(e.save())).toBe(JSON.stringify(lab.engines[0].save()));
    }
    // Memory stays bounded (a generous bound: the heap may hold garbage not yet collected).
    const grown = process.memoryUsage().heapUsed - heapBefore;
    expect(grown).toBeLessThan(200 * 1024 * 1024);
    expect(disconnects).toBeGreaterThan(0); // garbage senders were dropped
  }, 300_000); // the bound in time: about 20 s alone on a quiet machine (each acknowledged command waits for its fsync)
});

/** A batch of 1…20 well-formed commands; in half the batches one of them is replaced by a random, usually broken, one. */
function batch(r: R): unknown[] {
  const out: unknown[] = Array.from({ length: 1 + r.int(20) }, () =>
    r.pick<Record<string, unknown>>([
      { type: 'setLoad', vps: r.pick(['web-1', 'db-1', 'batch-1']), load: { cpu: r.int(11) / 10 } },
      { type: 'setProfile', vps: r.pick(['web-1', 'db-1']), profile: r.pick(['steady', 'bursty']) },
      { type: 'setLoad', vps: r.pick(['web-1', 'batch-1']), load: { mem: r.int(9) / 10, disk: r.next() } },
    ]),
  );
  if (r.next() < 0.5) out[r.int(out.length)] = command(r);
  return out;
}

describe('fuzz: REST batches', () => {
  it(`${BATCHES} random batches apply all together or not at all, and an error names commands[i]`, async () => {
    const r = rng(SEED + 2);
    // A lab of its own, with the demo's VPSs (the first fuzz may have removed some from "f", and
    // created labs up to the limit).
    for (const l of t.server.registry.list())
      if (l.id !== 'f') await http(`${t.url}/api/labs/${l.id}`, { method: 'DELETE' });
    const made = await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'fb', preset: 'demo' } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const lab = t.server.registry.get('fb')!;
    let applied = 0;
    let refused = 0;
    for (let n = 0; n < BATCHES; n++) {
      const body = batch(r);
      const before = lab.engines[0].log().length;
      const tickBefore = lab.tick;
      const res = await settle(t, http(`${t.url}/api/labs/fb/commands`, { method: 'POST', body }), 2);
      const log = lab.engines[0].log();
      // The first command that does not even parse: the refusal names it or one before it.
      const firstBad = body.findIndex((c) => !parseCommand(c).ok);
      if (res.status === 200) {
        applied++;
        expect(firstBad).toBe(-1);
        // One answer for the whole batch: the tick all of it applied at.
        const ack = res.body as Ack<{ tick: number }>;
        expect(ack.ok).toBe(true);
        const tick = ack.ok ? ack.data.tick : -1;
        expect(tick).toBeGreaterThanOrEqual(tickBefore);
        // Every command of the batch, in order, at that one tick.
        const added = log.slice(before);
        expect(added.map((e) => e.tick)).toEqual(body.map(() => tick));
        expect(added.map((e) => JSON.stringify(e.command))).toEqual(
          body.map((c) => JSON.stringify((parseCommand(c) as { data: unknown }).data)),
        );
      } else {
        refused++;
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(log.length, JSON.stringify(body)).toBe(before); // nothing of it applied
        const m = /^commands\[(\d+)\]/.exec(String(res.body.error?.path));
        expect(m, `${JSON.stringify(res.body)} for ${JSON.stringify(body)}`).not.toBeNull();
        const at = Number(m![1]);
        expect(at).toBeLessThan(body.length);
        if (firstBad >= 0) expect(at).toBeLessThanOrEqual(firstBad);
        for (const c of body.slice(0, at)) expect(parseCommand(c).ok).toBe(true);
      }
    }
    // Both outcomes happen, and the server still answers.
    expect(applied).toBeGreaterThan(BATCHES / 10);
    expect(refused).toBeGreaterThan(BATCHES / 10);
    expect((await http(`${t.url}/healthz`)).status).toBe(200);
    expect((await http(`${t.url}/api/labs/fb`, { method: 'DELETE' })).status).toBe(200);
  }, 300_000);
});

/** A join payload: usually well-formed, sometimes for an unknown lab, sometimes broken. */
function joinPayload(r: R): unknown {
  const k = r.int(10);
  if (k < 5)
    return {
      lab: 'f',
      ...(r.next() < 0.5 ? { historyS: r.pick([0, 1, 60, 600, 86_400]) } : {}),
      ...(r.next() < 0.3 ? { historyForm: 'columns', metrics: [r.pick(VPS_METRICS)] } : {}),
    };
  if (k < 7) return { lab: r.pick(['nope', 'x'.repeat(64), '__proto__']) };
  if (k < 8) return { lab: 'f', historyS: r.pick([-1, 1e9, 'x', null]) };
  if (k < 9) return { lab: 'f', historyForm: r.pick(['rows', 'frames', 42]), metrics: r.pick([['bogus'], 'cpu']) };
  return value(r);
}

describe('fuzz: join floods', () => {
  it(`${JOINERS} connections sending random joins at random rates: each is answered, rate-limited, snapshot first; the server stays up`, async () => {
    const r = rng(SEED + 3);
    const heapBefore = process.memoryUsage().heapUsed;
    const codes = new Set(['INVALID_INPUT', 'RATE_LIMITED', 'UNKNOWN_LAB', 'LIMIT_EXCEEDED']);
    const results = await Promise.all(
      Array.from({ length: JOINERS }, async (_, j) => {
        const s = await client(t.url);
        const firstOf = new Map<string, string>();
        s.onAny((event: string, msg: { lab?: string }) => {
          if (msg && typeof msg.lab === 'string' && !firstOf.has(msg.lab)) firstOf.set(msg.lab, event);
        });
        const sends = 10 + r.int(40);
        const gap = r.pick([0, 0, 1, 5, 20]);
        let ok = 0;
        let dropped = false;
        s.once('disconnect', () => (dropped = true));
        for (let i = 0; i < sends && !dropped; i++) {
          const payload = joinPayload(r);
          const ack = await new Promise<Ack<{ lab: string }> | null>((resolve) => {
            s.once('disconnect', () => resolve(null));
            s.timeout(5000)
              .emitWithAck('join', payload as never)
              .then(
                (a: unknown) => resolve(a as Ack<{ lab: string }>),
                () => resolve(null),
              );
          });
          if (!ack) break;
          if (ack.ok) {
            ok++;
            expect(ack.data.lab).toBe('f');
          } else {
            expect(codes.has(ack.error.code), JSON.stringify(ack)).toBe(true);
            if (ack.error.code === 'INVALID_INPUT') expect(typeof ack.error.path).toBe('string');
          }
          if (gap) await new Promise((res) => setTimeout(res, gap));
        }
        if (ok > 0) {
          // The snapshot is the first message of the lab this connection gets.
          for (let w = 0; w < 100 && !firstOf.has('f'); w++) await new Promise((res) => setTimeout(res, 20));
          expect(firstOf.get('f'), `joiner ${j}`).toBe('snapshot');
        }
        s.close();
        return { ok, dropped };
      }),
    );
    // The server clock did not move: no connection got more than the join burst (5).
    for (const x of results) expect(x.ok).toBeLessThanOrEqual(5);
    expect(results.some((x) => x.ok > 0)).toBe(true);
    // Connections that kept being refused were dropped.
    expect(results.some((x) => x.dropped)).toBe(true);
    expect((await http(`${t.url}/healthz`)).status).toBe(200);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 1024 * 1024);
  }, 120_000);
});

/** One random damage to a file's text: cut, garbage, a field's value swapped, or gone entirely. */
function damage(r: R, text: string): string | null {
  const k = r.int(5);
  if (k === 0) return text.slice(0, r.int(text.length));
  if (k === 1) {
    const at = r.int(text.length);
    return (
      text.slice(0, at) +
      String.fromCharCode(...Array.from({ length: 1 + r.int(8) }, () => r.int(256))) +
      text.slice(at)
    );
  }
  if (k === 2) return null;
  // Swap one value somewhere in the JSON (each line of a log is its own document).
  const lines = text.split('\n');
  const i = r.int(Math.max(1, lines.length - 1));
  try {
    const doc: unknown = JSON.parse(lines[i]);
    const walk = (x: unknown, depth: number): void => {
      if (typeof x !== 'object' || x === null) return;
      const keys = Object.keys(x);
      if (!keys.length) return;
      const key = r.pick(keys);
      if (depth > 3 || r.next() < 0.4)
        (x as Record<string, unknown>)[key] = k === 3 ? r.pick(NUMBERS) : value(r);
      else walk((x as Record<string, unknown>)[key], depth + 1);
    };
    walk(doc, 0);
    lines[i] = JSON.stringify(doc);
    return lines.join('\n');
  } catch {
    return text + '\n{';
  }
}

describe('fuzz: DATA_DIR contents', () => {
  it(`starts on ${DATA_LABS} randomly damaged labs; each is restored or quarantined, never both or lost`, async () => {
    const { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } =
      await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const r = rng(SEED + 1);
    const a = await startServer({ config: { commandRate: 1000 } });
    await http(`${a.url}/api/labs`, { method: 'POST', body: { id: 'seed', preset: 'demo' } });
    const lab = a.server.registry.get('seed')!;
    const commands: Command[] = [
      { type: 'setLoad', vps: 'web-1', load: { cpu: 0.9 } },
      { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog', durationS: 5 },
    ];
    for (const cmd of commands) {
      a.advance(500);
      expect((await settle(a, lab.submit(cmd, 'fuzz'))).ok).toBe(true);
    }
    a.advance(1500);
    await a.close();
    const seedDir = path.join(a.dataDir, 'labs', 'seed');
    const files = readdirSync(seedDir);
    const original = Object.fromEntries(files.map((f) => [f, readFileSync(path.join(seedDir, f), 'utf8')]));
    const dataDir = mkdtempSync(path.join(tmpdir(), 'fuzz-data-'));
    const ids: string[] = [];
    for (let i = 0; i < DATA_LABS; i++) {
      const id = `lab-${i}`;
      ids.push(id);
      mkdirSync(path.join(dataDir, 'labs', id), { recursive: true });
      const hits = new Set(Array.from({ length: 1 + r.int(2) }, () => r.pick(files)));
      for (const f of files) {
        let text: string | null = original[f];
        if (f === 'meta.json') text = text.replace('"id":"seed"', `"id":"${id}"`);
        if (hits.has(f)) text = damage(r, text);
        if (text !== null) writeFileSync(path.join(dataDir, 'labs', id, f), text);
      }
    }
    const b = await startServer({ dataDir, config: { maxLabs: DATA_LABS } });
    expect((await http(`${b.url}/healthz`)).status).toBe(200);
    const aside = existsSync(path.join(dataDir, 'quarantine')) ? readdirSync(path.join(dataDir, 'quarantine')) : [];
    const idOf = (d: string) => d.replace(/-\d{4}-\d\d-\d\dT.*$/, '');
    // A whole lab moved aside, or one damaged part of a lab that was rebuilt without it.
    const quarantined = aside.filter((d) => !/-(snapshot|progress)$/.test(d)).map(idOf);
    for (const d of aside.filter((x) => /-(snapshot|progress)$/.test(x))) {
      expect(b.server.registry.get(idOf(d)), d).toBeDefined();
      expect(readdirSync(path.join(dataDir, 'quarantine', d)).sort(), d).toEqual(
        [d.endsWith('-snapshot') ? 'snapshot.json' : 'progress.json', 'reason.txt'].sort(),
      );
    }
    for (const id of ids) {
      const running = b.server.registry.get(id) !== undefined;
      const moved = quarantined.includes(id);
      const empty = readdirSync(path.join(dataDir, 'labs')).includes(id)
        ? readdirSync(path.join(dataDir, 'labs', id)).length === 0
        : false;
      expect(running !== moved || (!running && empty), id).toBe(true);
      if (running) expect(existsSync(path.join(dataDir, 'labs', id))).toBe(true);
    }
    // Both outcomes happen: damage that can be rebuilt from, and damage that cannot.
    expect(quarantined.length).toBeGreaterThan(0);
    expect(b.server.registry.list().length).toBeGreaterThan(0);
    await b.close();
    removeDir(dataDir);
    removeDir(a.dataDir);
  }, 120_000);
});
