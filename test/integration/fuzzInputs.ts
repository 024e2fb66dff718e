/**
 * What the fuzz tests send: a seeded generator, and random, usually malformed, values, commands,
 * socket messages, REST requests, batches, joins and damage to a lab's files.
 */
import { GUEST_FAULTS, HOST_FAULTS, MODE_IDS, VPS_METRICS } from '../../shared/model.js';
import { mulberry32 } from '../seeded.js';

/** The seed of every fuzz run (set FUZZ_SEED to replay another). */
export const SEED = Number(process.env.FUZZ_SEED ?? 20261121);

export function rng(seed: number) {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}
export type R = ReturnType<typeof rng>;

export const NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  4,
  4.0001,
  1e308,
  -1e308,
  2 ** 53,
  1e-320,
  3.14159,
  256,
  65_536,
  1e9,
];
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

export function value(r: R, depth = 0): unknown {
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
export function command(r: R): Record<string, unknown> {
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

export function socketPayload(r: R): { event: string; args: unknown[] } {
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

export function restRequest(r: R): { method: string; path: string; raw?: string; contentType?: string } {
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

/** A batch of 1…20 well-formed commands; in half the batches one of them is replaced by a random, usually broken, one. */
export function batch(r: R): unknown[] {
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

/** A join payload: usually well-formed, sometimes for an unknown lab, sometimes broken. */
export function joinPayload(r: R): unknown {
  const k = r.int(10);
  if (k < 5)
    return {
      lab: 'f',
      ...(r.next() < 0.5 ? { historyS: r.pick([0, 1, 60, 600, 86_400]) } : {}),
      ...(r.next() < 0.3 ? { historyForm: 'columns', metrics: [r.pick(VPS_METRICS)] } : {}),
    };
  if (k < 7) return { lab: r.pick(['nope', 'x'.repeat(64), '__proto__']) };
  if (k < 8) return { lab: 'f', historyS: r.pick([-1, 1e9, 'x', null]) };
  if (k < 9)
    return { lab: 'f', historyForm: r.pick(['rows', 'frames', 42]), metrics: r.pick([['bogus'], 'cpu']) };
  return value(r);
}

/** One random damage to a file's text: cut, garbage, a field's value swapped, or gone entirely. */
export function damage(r: R, text: string): string | null {
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
