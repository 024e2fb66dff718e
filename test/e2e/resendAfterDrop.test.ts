/**
 * A click whose answer is lost with the connection: the page sends the action again with the same
 * request id once it is connected again, the server applies it once, and the page learns that it
 * applied. Real Chromium against the real server; the page's websocket goes through a proxy that
 * cuts the connection (both ends) right after the command reached the server, or right before.
 * Before, the page answered "The connection dropped before the server answered" and left the user
 * to guess: the VPS was added anyway in the first case, not at all in the second.
 */
import { describe, expect } from 'vitest';
import type { Page, WebSocketRoute } from 'playwright-core';
import { browserTest } from './fixture.js';
import { api, unwrap } from './harness.js';
import { byTestId, createLab, labState, textNow } from './lab.js';

const test = browserTest();

/** How the proxy treats the next message carrying `armed`: cut after delivering it, or instead. */
interface Cut {
  armed: string | null;
  deliver: boolean;
  /** Connections cut so far. */
  cuts: number;
}

async function addedTimes(server: { url: string }, lab: string, vps: string): Promise<number> {
  const r = await api(server, `/api/labs/${lab}/scenario`);
  const events = unwrap<{ events: { type: string; vps?: { id?: string } }[] }>(r.body).events;
  return events.filter((e) => e.type === 'addVps' && e.vps?.id === vps).length;
}

async function addVps(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: '+ New VPS' }).click();
  const form = page.getByRole('form', { name: 'New VPS' });
  await form.getByLabel('New VPS name').fill(name);
  await form.getByRole('button', { name: 'Add VPS' }).click();
}

describe('the connection drops between a click and its answer', () => {
  test('the page sends the action again with its request id: applied once, and the page says it applied', async ({
    server,
    browser,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const cut: Cut = { armed: null, deliver: true, cuts: 0 };
    await context.routeWebSocket(/\/socket\.io\//, (ws: WebSocketRoute) => {
      const upstream = ws.connectToServer();
      ws.onMessage((m) => {
        const hit = cut.armed !== null && typeof m === 'string' && m.includes(cut.armed);
        if (!hit || cut.deliver) upstream.send(m);
        if (!hit) return;
        cut.armed = null;
        cut.cuts++;
        // The server gets the close after the message (same connection, in order); the page at once.
        void upstream.close();
        void ws.close();
      });
    });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/?lab=${lab}`, { waitUntil: 'domcontentloaded' });
      await page.getByRole('button', { name: '+ New VPS' }).waitFor();
      await expect.poll(() => textNow(page, byTestId('connection-status'))).toMatch(/Live/);
      const before = (await labState(server, lab)).vps.length;

      for (const [name, deliver] of [
        ['web-7', true],
        ['web-8', false],
      ] as const) {
        Object.assign(cut, { armed: `"id":"${name}"`, deliver });
        await addVps(page, name);
        // The form closes once the server answered that the VPS was added: no error, no guess. Read in
        // one look: a count, then `textContent()`, would wait its full 30 s for a form that closed
        // in between.
        const form = page.getByRole('form', { name: 'New VPS' });
        const shown = async () => {
          const texts = await form.evaluateAll((forms) => forms.map((f) => f.textContent ?? ''));
          return texts.length === 0 ? 'closed' : texts.join('').replace(/.*IOPS/s, '');
        };
        await expect.poll(shown, { timeout: 30_000 }).toBe('closed');
        expect(cut.armed, `${name}: the proxy cut the connection`).toBeNull();
        expect(await addedTimes(server, lab, name), `${name} (delivered before the cut: ${deliver})`).toBe(1);
      }
      expect(cut.cuts).toBe(2);
      const state = await labState(server, lab);
      expect(state.vps.map((v) => v.id).filter((id) => /^web-[78]$/.test(id))).toEqual(['web-7', 'web-8']);
      expect(state.vps.length).toBe(before + 2);
      expect(await page.getByTestId('error-banner').count()).toBe(0);
    } finally {
      await context.close();
    }
  }, 90_000);
});
