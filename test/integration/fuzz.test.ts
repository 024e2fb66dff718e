/**
 * Fuzz: 10 000+ random and malformed payloads over socket.io and REST, batches among them
 * (seeded, reproducible). The process stays up and responsive, a lab's state changes only through
 * commands that were valid and acknowledged, and memory stays bounded. Then REST batches on their
 * own (all or nothing, the error naming `commands[i]`), and join floods of random payloads at
 * random rates. (A DATA_DIR of damaged labs: fuzzDataDir.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../shared/commands.js';
import { createRun } from '../../server/scenario.js';
import type { Ack } from '../../shared/protocol.js';
import { client, http, removeDir, settle, startServer, type Client, type TestServer } from './helpers.js';
import { batch, joinPayload, restRequest, rng, SEED, socketPayload } from './fuzzInputs.js';

const SOCKET_MESSAGES = Number(process.env.FUZZ_SOCKET ?? 6000);
const REST_REQUESTS = Number(process.env.FUZZ_REST ?? 4000);
const BATCHES = Number(process.env.FUZZ_BATCHES ?? 300);
const JOINERS = Number(process.env.FUZZ_JOINERS ?? 20);

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
