/**
 * The resize form follows the VPS's plan while it is open: a field the user has not touched shows
 * what the VPS has now (another browser resized it), and applying the form sends only what the
 * user changed. It kept the values read when it was opened, so a hosting engineer whose colleague
 * gave web-1 four vCPUs meanwhile read "2" in the form beside a card saying 4, and giving web-1
 * more RAM took its vCPUs back to 2.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { byTestId, createLab, labState, textNow, waitForState } from './lab.js';

const test = browserTest();

const openForm = async (page: Page, vps: string) => {
  await page.getByTestId(`vps-card-${vps}`).getByText('Resize or remove').click();
  await page.getByRole('form', { name: `Resize ${vps}` }).waitFor();
};

describe('the resize form, open while another browser resizes the VPS', () => {
  test('shows the new plan in the fields left alone, and keeps it when applying its own change', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const desk = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    const phone = await open(`/?lab=${lab}`, { width: 390, height: 844, touch: true });
    for (const { page } of [desk, phone])
      await page.getByTestId('vps-card-web-1').waitFor({ timeout: 15_000 });
    const before = (await labState(server, lab)).vps.find((v) => v.id === 'web-1')!;
    const vcpus = before.vcpus + 2;
    const ram = before.ramGiB + 4;

    await openForm(desk.page, 'web-1');
    const deskVcpus = desk.page.getByRole('spinbutton', { name: 'web-1 vCPUs' });
    expect(await deskVcpus.inputValue()).toBe(String(before.vcpus));

    // The phone gives web-1 two more vCPUs.
    await openForm(phone.page, 'web-1');
    await phone.page.getByRole('spinbutton', { name: 'web-1 vCPUs' }).fill(String(vcpus));
    await phone.page.getByRole('button', { name: 'Resize web-1' }).tap();
    await waitForState(server, lab, (s) => s.vps.find((v) => v.id === 'web-1')?.vcpus === vcpus);

    // The desktop's open form says so, as its card does.
    await expect
      .poll(() => textNow(desk.page, byTestId('vps-card-web-1')), { timeout: 10_000 })
      .toContain(`${vcpus} vCPUs`);
    await expect.poll(() => deskVcpus.inputValue(), { timeout: 10_000 }).toBe(String(vcpus));

    // Its own change (more RAM) leaves the phone's vCPUs as they are.
    await desk.page.getByRole('spinbutton', { name: 'web-1 RAM (GiB)' }).fill(String(ram));
    await desk.page.getByRole('button', { name: 'Resize web-1' }).click();
    const after = await waitForState(server, lab, (s) => s.vps.find((v) => v.id === 'web-1')?.ramGiB === ram);
    expect(after.vps.find((v) => v.id === 'web-1')?.vcpus, 'web-1 vCPUs after the desktop’s resize').toBe(
      vcpus,
    );
    // A field the user typed in keeps their value while the plan changes under it.
    expect(await desk.page.getByRole('spinbutton', { name: 'web-1 RAM (GiB)' }).inputValue()).toBe(
      String(ram),
    );
    expect([...desk.errors, ...phone.errors]).toEqual([]);
  }, 60_000);
});
