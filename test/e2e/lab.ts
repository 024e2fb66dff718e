/**
 * What browser tests do to a lab and read from the page: create labs from bundled presets (their
 * scheduled events removed, so the test triggers faults itself), steer the clock over REST, and read
 * what the charts last plotted (`data-last-<vps>` on each chart figure, `window.__contention`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ModeSpec, Scenario } from '../../shared/commands.js';
import type { ChartMetricName, DebugView } from './types.js';
import type { LabState } from '../../shared/protocol.js';
import { MAX_STEP } from '../../shared/inbound.js';
import { ROOT, api, unwrap, type RunningServer } from './harness.js';

/** A bundled preset as a scenario, without its scheduled events unless asked. */
export function presetScenario(id: string, patch: Partial<Scenario> = {}, keepEvents = false): Scenario {
  const s = JSON.parse(readFileSync(join(ROOT, 'scenarios', `${id}.json`), 'utf8')) as Scenario;
  if (!keepEvents) delete s.events;
  return { ...s, ...patch };
}

/** POSTs a lab (scenario, preset, compare, or a compare fork `from` a running lab) and returns its id. */
export async function createLab(
  server: RunningServer,
  body: { scenario?: Scenario; preset?: string; compare?: [ModeSpec, ModeSpec]; from?: string; id?: string },
  token?: string,
): Promise<string> {
  const r = await api<{ id: string }>(server, '/api/labs', { body, token });
  if (r.status >= 300) throw new Error(`creating a lab: ${r.status} ${JSON.stringify(r.body)}`);
  return unwrap<{ id: string }>(r.body).id;
}

/**
 * Adds small steady VPSs named `ids` to a lab, one command each, and waits until its state lists
 * them all (the whole lab then holds `total` VPSs).
 */
export async function addVpss(
  server: RunningServer,
  lab: string,
  ids: readonly string[],
  total: number,
): Promise<void> {
  for (const id of ids) {
    const add = await api(server, `/api/labs/${encodeURIComponent(lab)}/commands`, {
      body: {
        type: 'addVps',
        vps: { id, vcpus: 1, ramGiB: 1, diskIops: 500, netMbps: 100, profile: 'steady' },
      },
    });
    if (add.status !== 200) throw new Error(`adding VPS ${id}: ${add.status} ${JSON.stringify(add.body)}`);
  }
  await waitForState(server, lab, (s) => s.vps.length === total);
}

export async function labState(server: RunningServer, lab: string): Promise<LabState> {
  const r = await api<LabState>(server, `/api/labs/${encodeURIComponent(lab)}`);
  if (r.status !== 200) throw new Error(`GET lab ${lab}: ${r.status} ${JSON.stringify(r.body)}`);
  return unwrap<LabState>(r.body);
}

/** Clock actions over REST (speed up a lab so a 30 s reboot takes 3 s of wall time). */
export async function setSpeed(
  server: RunningServer,
  lab: string,
  speed: number,
  token?: string,
): Promise<void> {
  const r = await api(server, `/api/labs/${encodeURIComponent(lab)}/clock`, {
    body: { action: 'speed', speed },
    token,
  });
  if (r.status !== 200) throw new Error(`speed ${speed}: ${r.status} ${JSON.stringify(r.body)}`);
}

/** A clock action over REST; returns the pace it left. */
async function clock(
  server: RunningServer,
  lab: string,
  body: { action: 'pause' | 'resume' } | { action: 'step'; ticks: number },
  token?: string,
): Promise<{ tick: number; paused: boolean }> {
  const r = await api<unknown>(server, `/api/labs/${encodeURIComponent(lab)}/clock`, { body, token });
  if (r.status !== 200) throw new Error(`${body.action}: ${r.status} ${JSON.stringify(r.body)}`);
  return unwrap<{ tick: number; paused: boolean }>(r.body);
}

/**
 * Pauses a lab and brings it to `tick` with the clock's step action (exactly those ticks, however
 * loaded the machine; none when it is there already). It stays paused. Returns the tick reached.
 */
export async function stepTo(
  server: RunningServer,
  lab: string,
  tick: number,
  token?: string,
): Promise<number> {
  let at = (await clock(server, lab, { action: 'pause' }, token)).tick;
  while (at < tick)
    at = (await clock(server, lab, { action: 'step', ticks: Math.min(MAX_STEP, tick - at) }, token)).tick;
  return at;
}

/**
 * Brings a lab to `tick` at once with the clock's step action (exactly those ticks, however loaded
 * the machine), then lets it run on in real time. Returns the tick reached.
 */
export async function advanceTo(
  server: RunningServer,
  lab: string,
  tick: number,
  token?: string,
): Promise<number> {
  let at = (await labState(server, lab)).tick;
  while (at < tick)
    at = (await clock(server, lab, { action: 'step', ticks: Math.min(MAX_STEP, tick - at) }, token)).tick;
  await clock(server, lab, { action: 'resume' }, token);
  return at;
}

/**
 * Pauses a lab and steps it `chunk` ticks at a time until `until` holds at the tick reached (at most
 * `max` ticks on), then lets it run on in real time. Returns that tick.
 */
export async function advanceUntil(
  server: RunningServer,
  lab: string,
  until: (tick: number) => Promise<boolean>,
  { chunk = 50, max = 3000 }: { chunk?: number; max?: number } = {},
): Promise<number> {
  const from = await stepTo(server, lab, 0);
  let at = from;
  while (!(await until(at))) {
    if (at - from >= max) throw new Error(`still not there ${max} ticks on, at tick ${at}`);
    at = (await clock(server, lab, { action: 'step', ticks: chunk })).tick;
  }
  await clock(server, lab, { action: 'resume' });
  return at;
}

/** Polls the server until `pred` holds for the lab's state. */
export async function waitForState(
  server: RunningServer,
  lab: string,
  pred: (s: LabState) => boolean,
  timeoutMs = 15_000,
): Promise<LabState> {
  const end = Date.now() + timeoutMs;
  let last: LabState | undefined;
  for (;;) {
    last = await labState(server, lab);
    if (pred(last)) return last;
    if (Date.now() > end)
      throw new Error(`lab state never matched; last: ${JSON.stringify(last).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The CSS selector of the element a test id names, as `getByTestId` finds it. */
export function byTestId(testid: string): string {
  return `[data-testid="${testid}"]`;
}

/**
 * What the first element matching `selector` says right now (its `textContent`, or its `innerText`
 * when asked), or undefined when none does. One look that never waits: a locator's `textContent()`,
 * `innerText()` or `getAttribute()` waits up to 30 s for an element that is gone, so a poll reading
 * one that the page removed or re-rendered between two looks stalls for all that time.
 */
export async function textNow(
  page: Page,
  selector: string,
  how: 'textContent' | 'innerText' = 'textContent',
): Promise<string | undefined> {
  return page.evaluate(
    ([selector, how]) => {
      const el = document.querySelector<HTMLElement>(selector);
      if (!el) return undefined;
      return how === 'innerText' ? el.innerText : (el.textContent ?? '');
    },
    [selector, how] as const,
  );
}

/**
 * Waits until an element matches `selector` and returns what it said then (`textContent`), read in
 * the same look. A `waitFor()` and then a `textContent()` leave a gap in which a banner or row that
 * comes and goes can leave, and the read then waits 30 s for it to come back.
 */
export async function textWhenShown(page: Page, selector: string, timeout = 30_000): Promise<string> {
  const h = await page.waitForFunction(
    (selector) => {
      const el = document.querySelector(selector);
      return el ? { text: el.textContent ?? '' } : null;
    },
    selector,
    { timeout },
  );
  return ((await h.jsonValue()) as { text: string }).text;
}

/**
 * An attribute of the first element matching `selector` right now, or undefined when there is no
 * such element or attribute. One look that never waits, as textNow.
 */
export async function attributeNow(page: Page, selector: string, name: string): Promise<string | undefined> {
  return page.evaluate(
    ([selector, name]) => document.querySelector(selector)?.getAttribute(name) ?? undefined,
    [selector, name] as const,
  );
}

export const CHARTS = ['chart-p99', 'chart-throughput', 'chart-steal', 'chart-health'] as const;

/** The newest tick a chart has drawn (-1 before its first redraw, or when it is not on the page). */
export async function chartTick(page: Page, testid: string): Promise<number> {
  const v = await attributeNow(page, byTestId(testid), 'data-last-tick');
  return v === undefined || v === '' ? -1 : Number(v);
}

/** Waits until every chart of the dashboard has drawn past `tick`; returns the lowest drawn tick. */
export async function waitChartsPast(
  page: Page,
  tick: number,
  testids: readonly string[] = CHARTS,
  timeout = 20_000,
): Promise<number> {
  const h = await page
    .waitForFunction(
      ({ ids, tick }) => {
        let low = Infinity;
        for (const id of ids) {
          const el = document.querySelector(`[data-testid="${id}"]`);
          const t = Number(el?.getAttribute('data-last-tick') ?? NaN);
          if (!(t > tick)) return null;
          low = Math.min(low, t);
        }
        return low;
      },
      { ids: [...testids], tick },
      { timeout, polling: 100 },
    )
    .catch(async (e: Error) => {
      throw new Error(
        `charts never drew past tick ${tick}: ${await pageDiagnosis(page, testids)} (${e.message.split('\n')[0]})`,
      );
    });
  return (await h.jsonValue()) as number;
}

/** What the page shows when a wait fails: connection, banners, what each chart last drew. */
export async function pageDiagnosis(page: Page, testids: readonly string[] = CHARTS): Promise<string> {
  const text = async (sel: string): Promise<string> =>
    ((await textNow(page, sel).catch(() => undefined)) ?? '').replace(/\s+/g, ' ').trim();
  return page
    .evaluate(
      ([ids, status, main]) => {
        const charts = ids.map(
          (id) =>
            `${id}=${document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-last-tick') ?? 'absent'}`,
        );
        const hook = (window as unknown as { __contention?: { tick(): number } }).__contention;
        return [
          `url ${location.pathname}${location.search}`,
          `status "${status}"`,
          `banners "${Array.from(document.querySelectorAll('.banner'))
            .map((b) => (b.textContent ?? '').trim())
            .join(' | ')}"`,
          `main "${main.slice(0, 120)}"`,
          `held tick ${hook ? hook.tick() : 'no hook'}`,
          charts.join(' '),
        ].join('; ');
      },
      [[...testids], await text(byTestId('connection-status')), await text('main')] as const,
    )
    .catch((e: Error) => `page unreadable: ${e.message}`);
}

/**
 * The value a chart last plotted for a VPS (its newest point in the visible window); NaN where the
 * chart draws a gap there (the attribute is absent) or is not on the page. Read now, without waiting.
 */
export async function plotted(page: Page, testid: string, vps: string): Promise<number> {
  const v = await attributeNow(page, byTestId(testid), `data-last-${vps}`);
  return v === undefined || v === '' ? NaN : Number(v);
}

/** Bounds for a plotted value: strictly above `above`, strictly below `below`. */
export interface Bounds {
  above?: number;
  below?: number;
}

/** Waits until a chart's last plotted value for `vps` lies within `bounds`; returns it. */
export async function waitForPlotted(
  page: Page,
  testid: string,
  vps: string,
  bounds: Bounds,
  timeout = 20_000,
): Promise<number> {
  const h = await page.waitForFunction(
    ({ testid, vps, bounds }) => {
      const raw = document.querySelector(`[data-testid="${testid}"]`)?.getAttribute(`data-last-${vps}`);
      if (raw === null || raw === undefined || raw === '') return null;
      const v = Number(raw);
      if (bounds.above !== undefined && !(v > bounds.above)) return null;
      if (bounds.below !== undefined && !(v < bounds.below)) return null;
      return v;
    },
    { testid, vps, bounds },
    { timeout, polling: 100 },
  );
  return (await h.jsonValue()) as number;
}

/** One series the client holds, through the page's debug hook. */
export async function series(
  page: Page,
  vps: string,
  metric: ChartMetricName,
  slot = 0,
): Promise<{ t: number[]; v: number[] }> {
  return page.evaluate(
    ({ vps, metric, slot }) =>
      (window as unknown as { __contention: DebugView }).__contention.series(vps, metric, slot),
    { vps, metric, slot },
  );
}

export async function markers(page: Page): Promise<{ t: number; kind: string; label: string }[]> {
  return page.evaluate(() => (window as unknown as { __contention: DebugView }).__contention.markers());
}

/** Whether a canvas inside the element has painted something other than one flat colour. */
export async function canvasHasInk(page: Page, testid: string): Promise<boolean> {
  return page.evaluate((testid) => {
    const c = document.querySelector(`[data-testid="${testid}"] canvas`) as HTMLCanvasElement | null;
    if (!c || !c.width || !c.height) return false;
    const ctx = c.getContext('2d');
    if (!ctx) return false;
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 7) {
      if (data[i + 3] === 0) continue;
      colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      if (colours.size > 8) return true;
    }
    return false;
  }, testid);
}
