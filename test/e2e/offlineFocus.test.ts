/**
 * A keyboard user's focus across a lost link (a laptop waking, a server restarting): the control
 * that had it keeps it while the page is offline and once it is back. Offline every control says it
 * cannot act (aria-disabled) and does nothing, whatever key or click reaches it; none is `disabled`,
 * which would let go of the focus and leave it on the page.
 */
import { describe, expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { LabState } from '../../shared/protocol.js';
import { browserTest } from './fixture.js';
import { createLab, labState, presetScenario } from './lab.js';

const test = browserTest();

/** What a user steers in a lab: none of it may change while the page is offline. */
function steered(s: LabState): unknown {
  return {
    mode: s.mode,
    paused: s.paused,
    speed: s.speed,
    faults: s.faults.map((f) => `${f.fault} on ${f.vps}`),
    hostFaults: s.hostFaults.map((f) => f.fault),
    vps: s.vps.map((v) => ({ id: v.id, vcpus: v.vcpus, load: v.load, profile: v.profile })),
  };
}

interface Case {
  name: string;
  control: (page: Page) => Locator;
  /** Brings the control on screen (opens what holds it). */
  prepare?: (page: Page) => Promise<void>;
  /** What a user does to it while offline: keys, then a click. */
  keys: string[];
  /** What the page shows of it and around it: the same before and after what the user did. */
  shown: (page: Page, control: Locator) => Promise<unknown>;
}

const card = (page: Page): Locator => page.getByTestId('vps-card-web-1');

const CASES: Case[] = [
  {
    name: 'a fault button',
    control: (page) => page.getByRole('button', { name: 'Start cpu_hog on web-1' }),
    keys: ['Enter', 'Space'],
    shown: async (page) => page.getByRole('button', { name: 'Stop cpu_hog on web-1' }).count(),
  },
  {
    name: 'a load slider',
    control: (page) => page.getByRole('slider', { name: 'web-1 CPU load' }),
    keys: ['ArrowRight', 'End', 'PageUp'],
    shown: async (_page, c) => [await c.inputValue(), await c.getAttribute('aria-valuetext')],
  },
  {
    name: 'the mode menu',
    control: (page) => page.getByLabel('Virtualization mode'),
    keys: ['ArrowDown', 'End', 'f'],
    shown: async (_page, c) => c.inputValue(),
  },
  {
    name: 'the clock’s Pause',
    control: (page) => page.getByRole('button', { name: 'Pause simulation' }),
    keys: ['Space', 'Enter'],
    shown: async (page) => page.getByRole('button', { name: 'Resume simulation' }).count(),
  },
  {
    name: 'a host fault',
    control: (page) => page.getByRole('button', { name: 'Crash Dom0' }),
    keys: ['Enter'],
    // Its answer (a crash under way) would come from the server: here, nothing may say it was tried.
    shown: async (page) => page.getByTestId('error-banner').count(),
  },
  {
    name: 'New VPS',
    control: (page) => page.getByRole('button', { name: '+ New VPS' }),
    keys: ['Enter', 'Space'],
    shown: async (page, c) => [
      await c.getAttribute('aria-expanded'),
      await page.getByRole('form', { name: 'New VPS' }).count(),
    ],
  },
  {
    name: 'Remove',
    prepare: async (page) => {
      await card(page).getByText('Resize or remove').click();
    },
    control: (page) => page.getByRole('button', { name: 'Remove web-1' }),
    keys: ['Enter'],
    shown: async (page) => page.getByRole('button', { name: 'Yes, remove web-1' }).count(),
  },
  {
    name: 'Resize, its form changed',
    prepare: async (page) => {
      await card(page).getByText('Resize or remove').click();
      await page.getByRole('spinbutton', { name: 'web-1 vCPUs' }).fill('3');
    },
    control: (page) => page.getByRole('button', { name: 'Resize web-1' }),
    keys: ['Enter', 'Space'],
    shown: async (page) => page.getByTestId('form-error-web-1').count(),
  },
];

/** A case on its own page: the control, and what the page showed of it before the link went. */
interface Tried {
  c: Case;
  page: Page;
  errors: string[];
  control: Locator;
  banner: Locator;
  shown: unknown;
}

describe('the keyboard’s focus across a lost link', () => {
  // One page per control, each holding its focus, across one loss of the link: a page's focus is
  // its own, so the controls are tried side by side rather than one server restart each.
  test('each control keeps the focus while offline and once back, and does nothing offline', async ({
    server,
    open,
  }) => {
    // Two VPSs: web-1, whose controls are tried, and a neighbour; eight pages draw it side by side.
    const demo = presetScenario('demo');
    const vps = demo.vps.filter((v) => v.id === 'web-1' || v.id === 'batch-1');
    const lab = await createLab(server, { scenario: { ...demo, vps } });
    const hasFocus = (c: Locator) => c.evaluate((e) => e === document.activeElement);
    // The pages open side by side: each waits on its own page's controls.
    const tried: Tried[] = await Promise.all(
      CASES.map(async (c) => {
        const { page, errors } = await open(`/?lab=${lab}`);
        await card(page).waitFor({ timeout: 30_000 });
        await c.prepare?.(page);
        const control = c.control(page);
        await expect.poll(() => control.getAttribute('aria-disabled'), { timeout: 30_000 }).not.toBe('true');
        const banner = page.getByTestId('disconnected-banner');
        return { c, page, errors, control, banner, shown: undefined };
      }),
    );
    for (const t of tried) {
      await t.control.focus();
      t.shown = await t.c.shown(t.page, t.control);
    }
    const before = steered(await labState(server, lab));
    await server.stop();
    for (const { c, page, control, banner, shown } of tried) {
      await banner.waitFor({ timeout: 15_000 });
      expect(await hasFocus(control), `${c.name}: the focus while offline`).toBe(true);
      expect(await control.getAttribute('aria-disabled'), `${c.name} while offline`).toBe('true');
      const disabled = await page.evaluate(() =>
        Array.from(
          document.querySelectorAll(':disabled'),
          (e) => e.getAttribute('aria-label') ?? e.textContent,
        ),
      );
      expect(disabled, `${c.name}: controls that would drop the focus`).toEqual([]);
      for (const key of c.keys) await control.press(key);
      // A click goes where a disabled control's would not; it must do no more than the keys.
      await control.click({ force: true });
      expect(await c.shown(page, control), `${c.name}: what the page shows after ${c.keys}, click`).toEqual(
        shown,
      );
      expect(await hasFocus(control), `${c.name}: the focus after the keys`).toBe(true);
    }
    await server.restart();
    for (const { c, page, control, banner, shown } of tried) {
      await banner.waitFor({ state: 'detached', timeout: 30_000 });
      await expect.poll(() => control.getAttribute('aria-disabled'), { timeout: 15_000 }).toBe('false');
      expect(await hasFocus(control), `${c.name}: the focus once back online`).toBe(true);
      expect(await c.shown(page, control), `${c.name}: shown once back`).toEqual(shown);
    }
    expect(
      steered(await labState(server, lab)),
      `the lab, after ${CASES.map((c) => c.name).join(', ')}`,
    ).toEqual(before);
    // The browser reports the refused reconnections (and requests); nothing else may go wrong.
    for (const { c, errors } of tried)
      expect(
        errors.filter((e) => !/WebSocket connection .* failed|ERR_CONNECTION_REFUSED/.test(e)),
        c.name,
      ).toEqual([]);
  }, 180_000);
});
