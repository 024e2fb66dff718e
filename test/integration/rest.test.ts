import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VPS_METRICS } from '../../shared/model.js';
import { http, removeDir, settle, startServer, type TestServer } from './helpers.js';

let t: TestServer;
let api: string;

beforeAll(async () => {
  t = await startServer({
    config: { maxLabs: 4 },
    scorecard: async () => ({ rows: [{ stress: 'cpu_hog' }] }),
  });
  api = `${t.url}/api`;
});

afterAll(async () => {
  await t.close();
  removeDir(t.dataDir);
});

describe('REST API', () => {
  it('creates a lab from a preset, lists, inspects and deletes it', async () => {
    const made = await http(`${api}/labs`, { method: 'POST', body: { id: 'r1', preset: 'demo' } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ ok: true, data: { id: 'r1', tick: 0, mode: 'para' } });
    expect(made.headers.get('location')).toBe('/api/labs/r1');
    const list = await http(`${api}/labs`);
    expect(list.body.data.map((l: { id: string }) => l.id)).toContain('r1');
    const one = await http(`${api}/labs/r1`);
    expect(one.status).toBe(200);
    expect(one.body.data).toMatchObject({ id: 'r1', tickMs: 100, speed: 1, paused: false });
    expect(Array.isArray(one.body.data.faults)).toBe(true);
    const del = await http(`${api}/labs/r1`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ ok: true, data: { id: 'r1' } });
    expect((await http(`${api}/labs/r1`)).status).toBe(404);
  });

  it('creates a compare lab running two modes', async () => {
    const made = await http(`${api}/labs`, {
      method: 'POST',
      body: { id: 'cmp', preset: 'demo', compare: ['para', 'container'] },
    });
    expect(made.status).toBe(201);
    const one = await http(`${api}/labs/cmp`);
    expect(one.body.data).toMatchObject({ mode: 'para', compareMode: 'container' });
    await http(`${api}/labs/cmp`, { method: 'DELETE' });
  });

  it('creates a lab from a posted scenario, and names the bad field of a bad one', async () => {
    const scenario = {
      name: 'Two boxes',
      mode: 'container',
      vps: [
        { id: 'a', vcpus: 2, ramGiB: 4, diskIops: 1000, netMbps: 100 },
        { id: 'b', vcpus: 2, ramGiB: 4, diskIops: 1000, netMbps: 100 },
      ],
    };
    const ok = await http(`${api}/labs`, { method: 'POST', body: { scenario } });
    expect(ok.status).toBe(201);
    expect(ok.body.data.id).toBe('two-boxes');
    const bad = await http(`${api}/labs`, {
      method: 'POST',
      body: { scenario: { ...scenario, vps: [{ ...scenario.vps[0], vcpus: -1 }] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_INPUT', path: 'scenario.vps[0].vcpus' });
    const both = await http(`${api}/labs`, { method: 'POST', body: { preset: 'demo', scenario } });
    expect(both.status).toBe(400);
    const extra = await http(`${api}/labs`, { method: 'POST', body: { preset: 'demo', colour: 'red' } });
    expect(extra.body.error.code).toBe('INVALID_INPUT');
    expect(extra.body.error.message).toContain('colour');
    await http(`${api}/labs/two-boxes`, { method: 'DELETE' });
  });

  it('refuses a key given twice in a body, naming it, and creates or applies nothing', async () => {
    const twice = async (path: string, raw: string) => {
      const r = await http(`${api}${path}`, { method: 'POST', raw });
      expect(r.status, raw).toBe(400);
      return r.body.error;
    };
    expect(await twice('/labs', '{"id":"twice-a","preset":"demo","id":"twice-b"}')).toEqual({
      code: 'INVALID_INPUT',
      path: 'id',
      message: 'id: duplicate key: give it once (JSON would silently keep only the last)',
    });
    const scenario = JSON.stringify({
      name: 'twice',
      mode: 'para',
      vps: [{ id: 'a', vcpus: 2, ramGiB: 1, diskIops: 10, netMbps: 10 }],
    }).replace('"vcpus":2', '"vcpus":2,"vcpus":64');
    expect((await twice('/labs', `{"scenario":${scenario}}`)).path).toBe('scenario.vps[0].vcpus');
    expect((await http(`${api}/labs`)).body.data.map((l: { id: string }) => l.id)).not.toContain('twice');
    await http(`${api}/labs`, { method: 'POST', body: { id: 'twice', preset: 'demo' } });
    const cmd = '{"type":"setLoad","vps":"web-1","load":{"cpu":0.25,"cpu":0.75}}';
    expect((await twice('/labs/twice/commands', cmd)).path).toBe('load.cpu');
    expect(
      (await http(`${api}/labs/twice/events`)).body.data.some((e: { kind: string }) => e.kind === 'command'),
    ).toBe(false);
    await http(`${api}/labs/twice`, { method: 'DELETE' });
  });

  it('answers errors as coded JSON with the right status, never a stack trace', async () => {
    const cases: [string, { method?: string; body?: unknown; raw?: string }, number, string][] = [
      ['/labs/nope', {}, 404, 'UNKNOWN_LAB'],
      ['/labs/nope', { method: 'DELETE' }, 404, 'UNKNOWN_LAB'],
      ['/labs/nope/commands', { method: 'POST', body: { type: 'removeVps', vps: 'x' } }, 404, 'UNKNOWN_LAB'],
      ['/labs', { method: 'POST', raw: '{"preset": "demo",' }, 400, 'INVALID_INPUT'],
      ['/labs', { method: 'POST', body: { preset: 'no-such-preset' } }, 400, 'INVALID_INPUT'],
      ['/labs', { method: 'POST', body: { id: 'bad id!' } }, 400, 'INVALID_INPUT'],
      ['/nothing-here', {}, 404, 'NOT_FOUND'],
      [
        '/labs',
        { method: 'POST', raw: JSON.stringify({ scenario: { name: 'x'.repeat(2_000_000) } }) },
        413,
        'LIMIT_EXCEEDED',
      ],
    ];
    for (const [path, init, status, code] of cases) {
      const r = await http(`${api}${path}`, init);
      expect(r.status, path).toBe(status);
      expect(r.body?.ok, path).toBe(false);
      expect(r.body?.error?.code, path).toBe(code);
      expect(r.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
  });

  it('enforces the lab limit with a coded error', async () => {
    const ids: string[] = [];
    for (let i = 0; ; i++) {
      const r = await http(`${api}/labs`, { method: 'POST', body: { id: `lim-${i}`, preset: 'demo' } });
      if (r.status !== 201) {
        expect(r.status).toBe(409);
        expect(r.body.error.code).toBe('LIMIT_EXCEEDED');
        break;
      }
      ids.push(`lim-${i}`);
      expect(i).toBeLessThan(10);
    }
    expect(t.server.registry.list().length).toBe(4);
    const dup = await http(`${api}/labs`, { method: 'POST', body: { id: ids[0], preset: 'demo' } });
    expect(dup.body.error.code).toBe('LIMIT_EXCEEDED');
    for (const id of ids) await http(`${api}/labs/${id}`, { method: 'DELETE' });
    await http(`${api}/labs`, { method: 'POST', body: { id: 'dup', preset: 'demo' } });
    const conflict = await http(`${api}/labs`, { method: 'POST', body: { id: 'dup', preset: 'demo' } });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toMatchObject({ code: 'CONFLICT', path: 'id' });
    // Ids are one id whatever their case ("Dup" and "dup" would be one folder on some disks).
    const cased = await http(`${api}/labs`, { method: 'POST', body: { id: 'DUP', preset: 'demo' } });
    expect([cased.status, cased.body.error]).toEqual([
      409,
      {
        code: 'CONFLICT',
        path: 'id',
        message: 'a lab "dup" already exists (ids that differ only in case are one id)',
      },
    ]);
    expect((await http(`${api}/labs/DUP`)).status).toBe(404);
    await http(`${api}/labs/dup`, { method: 'DELETE' });
    expect((await http(`${api}/labs`, { method: 'POST', body: { id: 'DUP', preset: 'demo' } })).status).toBe(
      201,
    );
    await http(`${api}/labs/DUP`, { method: 'DELETE' });
  });

  it('takes commands one at a time or in an array, acknowledged with the tick', async () => {
    await http(`${api}/labs`, { method: 'POST', body: { id: 'cmd', preset: 'demo' } });
    t.advance(500);
    const one = await settle(
      t,
      http(`${api}/labs/cmd/commands`, {
        method: 'POST',
        body: { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' },
      }),
    );
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ ok: true, data: { tick: expect.any(Number) } });
    const state = await http(`${api}/labs/cmd`);
    expect(state.body.data.faults).toEqual([
      expect.objectContaining({ vps: 'batch-1', fault: 'cpu_hog', sinceTick: one.body.data.tick }),
    ]);
    const many = await settle(
      t,
      http(`${api}/labs/cmd/commands`, {
        method: 'POST',
        body: [
          { type: 'setLoad', vps: 'web-1', load: { cpu: 0.8 } },
          { type: 'stopFault', vps: 'batch-1', fault: 'cpu_hog' },
        ],
      }),
    );
    expect(many.status).toBe(200);
    // One answer for the batch: the tick all of it applied at.
    expect(many.body).toEqual({ ok: true, data: { tick: expect.any(Number) } });
    expect(many.body.data.tick).toBeGreaterThanOrEqual(one.body.data.tick);
    const bad = await http(`${api}/labs/cmd/commands`, {
      method: 'POST',
      body: { type: 'setLoad', vps: 'web-1', load: { disk: 'lots' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', path: 'load.disk' } });
    const unknownVps = await settle(
      t,
      http(`${api}/labs/cmd/commands`, { method: 'POST', body: { type: 'removeVps', vps: 'ghost' } }),
    );
    expect(unknownVps.status).toBe(404);
    expect(unknownVps.body.error.code).toBe('UNKNOWN_VPS');
  });

  it('drives the clock', async () => {
    const p = await http(`${api}/labs/cmd/clock`, { method: 'POST', body: { action: 'pause' } });
    expect(p.body).toMatchObject({ ok: true, data: { paused: true } });
    const tick = p.body.data.tick;
    const s = await http(`${api}/labs/cmd/clock`, { method: 'POST', body: { action: 'step', ticks: 3 } });
    expect(s.body.data.tick).toBe(tick + 3);
    const bad = await http(`${api}/labs/cmd/clock`, { method: 'POST', body: { action: 'rewind' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.path).toBe('action');
    await http(`${api}/labs/cmd/clock`, { method: 'POST', body: { action: 'resume' } });
  });

  it('exports metrics as CSV from history, one row per tick and VPS with the model names', async () => {
    const lab = t.server.registry.get('cmd')!;
    const r = await http(`${api}/labs/cmd/metrics.csv`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = r.text.trim().split('\n');
    const header = lines[0].split(',').map((h) => h.replace(/\[[^\]]*\]$/, ''));
    for (const m of ['tick', 'vps', 'state', ...VPS_METRICS, 'host.cpuUtil']) expect(header).toContain(m);
    expect(lines.length - 1).toBe(lab.history.size * 6);
    const first = lines[1].split(',');
    expect(Number(first[0])).toBe(lab.history.firstTick);
  });

  it('downsamples history for long windows', async () => {
    t.advance(20_000);
    const r = await http(`${api}/labs/cmd/history?points=10&metrics=latencyP99Ms,cpuUtil`);
    expect(r.status).toBe(200);
    const h = r.body.data;
    expect(h.ticks.length).toBeLessThanOrEqual(10);
    expect(h.vps['web-1'].latencyP99Ms.max.length).toBe(h.ticks.length);
    expect(h.host.cpuUtil.min.length).toBe(h.ticks.length);
    const bad = await http(`${api}/labs/cmd/history?metrics=bogus`);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_INPUT', path: 'metrics' });
  });

  it('serves presets, the scorecard, health', async () => {
    const p = await http(`${api}/presets`);
    expect(p.body.data.map((x: { id: string }) => x.id)).toContain('demo');
    const s = await http(`${api}/scorecard`);
    expect(s.body).toEqual({ ok: true, data: { rows: [{ stress: 'cpu_hog' }] } });
    const h = await http(`${t.url}/healthz`);
    expect(h.body).toMatchObject({ ok: true, data: { labs: expect.any(Number) } });
  });

  it('refuses other browser origins, allows its own', async () => {
    const other = await http(`${api}/labs`, { headers: { origin: 'http://evil.example' } });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('FORBIDDEN');
    const own = await http(`${api}/labs`, { headers: { origin: t.url } });
    expect(own.status).toBe(200);
  });

  it('sends security headers with a CSP that allows the dashboard over plain http', async () => {
    const r = await http(`${t.url}/`);
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(r.headers.get('strict-transport-security')).toBeNull();
    expect(r.headers.get('x-powered-by')).toBeNull();
  });
});

describe('VPS limit', () => {
  it('refuses a scenario with more VPSs than a lab may hold, and an addVps beyond it', async () => {
    const s = await startServer({ persist: false, config: { maxVpsPerLab: 2 } });
    try {
      const box = (id: string) => ({ id, vcpus: 1, ramGiB: 1, diskIops: 100, netMbps: 10 });
      const three = { name: 'three', mode: 'container', vps: [box('a'), box('b'), box('c')] };
      const r = await http(`${s.url}/api/labs`, { method: 'POST', body: { scenario: three } });
      expect(r.status).toBe(409);
      expect(r.body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', path: 'scenario.vps' });
      const two = { name: 'two', mode: 'container', vps: [box('a'), box('b')] };
      expect(
        (await http(`${s.url}/api/labs`, { method: 'POST', body: { id: 'two', scenario: two } })).status,
      ).toBe(201);
      const add = await settle(
        s,
        http(`${s.url}/api/labs/two/commands`, { method: 'POST', body: { type: 'addVps', vps: box('c') } }),
      );
      expect(add.status).toBe(409);
      expect(add.body.error.code).toBe('LIMIT_EXCEEDED');
      expect((await http(`${s.url}/api/labs/two`)).body.data.vps).toHaveLength(2);
    } finally {
      await s.close();
      removeDir(s.dataDir);
    }
  });
});

describe('REST admission', () => {
  it('a compare mode that cannot admit the scenario is refused with its reason', async () => {
    const r = await http(`${api}/labs`, {
      method: 'POST',
      body: { id: 'nofit', preset: 'memory-bomb-overcommit', compare: ['para', 'full'] },
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('ADMISSION_REFUSED');
    expect(r.body.error.message).toMatch(/full/);
    expect(r.body.error.path).toMatch(/^scenario\.vps\[\d+\]$/);
    expect((await http(`${api}/labs/nofit`)).status).toBe(404);
  });
});

describe('scorecard', () => {
  it('is computed once, on first ask, as one table per experiment host', async () => {
    const s = await startServer({ persist: false });
    try {
      const first = await http(`${s.url}/api/scorecard`);
      expect(first.status).toBe(200);
      expect(Array.isArray(first.body.data)).toBe(true);
      expect(first.body.data[0].cells.length).toBeGreaterThan(10);
      const again = await http(`${s.url}/api/scorecard`);
      expect(again.text).toBe(first.text);
    } finally {
      await s.close();
      removeDir(s.dataDir);
    }
  }, 120_000);
});

describe('dashboard files', () => {
  it('serves the built dashboard, index.html for page paths, 404 for a missing asset', async () => {
    const { mkdirSync, mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/client-`);
    mkdirSync(`${dir}/assets`);
    writeFileSync(`${dir}/index.html`, '<!doctype html><title>Contention Lab</title><div id="app"></div>');
    writeFileSync(`${dir}/assets/app-1.js`, 'console.log(1)');
    const s = await startServer({ persist: false, config: { clientDir: dir } });
    try {
      const page = await http(`${s.url}/?lab=demo`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(page.text).toContain('<div id="app">');
      const deep = await http(`${s.url}/labs/demo/compare`, { headers: { accept: 'text/html' } });
      expect(deep.text).toContain('<div id="app">');
      const js = await http(`${s.url}/assets/app-1.js`);
      expect(js.headers.get('content-type')).toMatch(/javascript/);
      expect(js.headers.get('cache-control')).toMatch(/immutable/);
      const missing = await http(`${s.url}/assets/nope.js`);
      expect(missing.status).toBe(404);
      const api = await http(`${s.url}/api/nope`, { headers: { accept: 'text/html' } });
      expect(api.body.error.code).toBe('NOT_FOUND');
    } finally {
      await s.close();
      removeDir(s.dataDir);
      removeDir(dir);
    }
  });
});
