/**
 * web-1's resize form, open on a new full-virtualization demo lab at 1280×720 (fixed quotas: the six
 * caps of the demo take the host's ten cores), with its fields and its apply button.
 */
import type { Open } from './fixture.js';
import type { RunningServer } from './harness.js';
import { createLab, presetScenario } from './lab.js';

export async function openWebResize(server: RunningServer, open: Open) {
  const lab = await createLab(server, { scenario: presetScenario('demo', { mode: 'full' }) });
  const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
  await page.getByText('Resize or remove').first().click();
  return {
    lab,
    page,
    errors,
    vcpus: page.getByRole('spinbutton', { name: 'web-1 vCPUs' }),
    cap: page.getByRole('spinbutton', { name: 'web-1 CPU cap (cores)' }),
    apply: () => page.getByRole('button', { name: 'Resize web-1' }).click(),
  };
}
