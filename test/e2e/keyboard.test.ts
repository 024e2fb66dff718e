/**
 * Keyboard only: what opens closes with Escape, the focus goes back to what opened it, and one
 * Escape closes one thing (the innermost), not also the charts' focus on a VPS behind it.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { focused } from './focus.js';
import { createLab, waitForState } from './lab.js';

const test = browserTest();

describe('keyboard only', () => {
  test('Escape closes the New VPS form, back on its button, and the next Escape ends the charts’ focus', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`);
    await page.getByTestId('vps-card-web-1').waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Focus the charts on web-1' }).focus();
    await page.keyboard.press('Enter');
    const chip = page.getByTestId('focus-chip');
    await chip.waitFor();
    await page.getByRole('button', { name: '+ New VPS' }).focus();
    await page.keyboard.press('Enter');
    const form = page.getByRole('form', { name: 'New VPS' });
    await form.waitFor();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('New VPS name');
    await page.keyboard.type('edge-1');
    await page.keyboard.press('Escape');
    await expect.poll(() => form.count(), { message: 'Escape closes the form' }).toBe(0);
    expect(await focused(page), 'the focus is back on the button that opened it').toBe('+ New VPS');
    expect(await chip.count(), 'that Escape closed the form only').toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => chip.count(), { message: 'the next Escape ends the focus on web-1' }).toBe(0);
    // Opened again, it still holds what was typed.
    await page.keyboard.press('Enter');
    expect(await page.getByRole('textbox', { name: 'New VPS name' }).inputValue()).toBe('edge-1');
    expect(errors).toEqual([]);
  }, 60_000);
});

describe('keyboard only: a question', () => {
  test('takes the focus on its safe answer, and Escape answers it so, back on the button that asked', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`);
    await page.getByTestId('vps-card-web-1').waitFor({ timeout: 15_000 });
    // Remove web-1?
    await page.getByText('Resize or remove').first().focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Remove web-1' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page), { message: 'the question takes the focus' }).toBe('Keep web-1');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('button', { name: 'Yes, remove web-1' }).count()).toBe(0);
    expect(await focused(page)).toBe('Remove web-1');
    // Back to the start?
    await page.getByRole('button', { name: 'Reset lab' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('Keep');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('group', { name: 'Confirm reset' }).count()).toBe(0);
    expect(await focused(page)).toBe('Reset lab');
    expect(await page.getByTestId('vps-card-web-1').count(), 'nothing was removed').toBe(1);
    expect(errors).toEqual([]);
  }, 60_000);
});

describe('keyboard only: the clock', () => {
  test('Pause and Resume are one button: Enter pauses, the focus stays on it, and Enter again resumes', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`);
    await page.getByTestId('vps-card-web-1').waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Pause simulation' }).focus();
    await page.keyboard.press('Enter');
    await waitForState(server, lab, (s) => s.paused);
    await page.getByRole('button', { name: 'Resume simulation' }).waitFor({ timeout: 10_000 });
    expect(await focused(page), 'the focus once paused').toBe('Resume simulation');
    // Step (open now the clock waits) is the next stop.
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Step one tick');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await waitForState(server, lab, (s) => !s.paused);
    await page.getByRole('button', { name: 'Pause simulation' }).waitFor({ timeout: 10_000 });
    expect(await focused(page), 'the focus once resumed').toBe('Pause simulation');
    expect(errors).toEqual([]);
  }, 60_000);
});

describe('keyboard only: a request under way', () => {
  test('Compare pressed from the keyboard keeps the focus while the comparison is made, and after', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`);
    await page.getByTestId('vps-card-web-1').waitFor({ timeout: 15_000 });
    const compare = page.getByRole('button', { name: 'Compare', exact: true });
    await compare.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/view=compare/, { timeout: 15_000 });
    await page.getByTestId('compare-mode-1').waitFor({ timeout: 15_000 });
    expect(await focused(page), 'the focus once the comparison shows').toBe('Compare');
    expect(errors).toEqual([]);
  }, 60_000);
});
