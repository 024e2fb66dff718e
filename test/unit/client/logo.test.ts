/**
 * The header's logo is drawn in one place: every header layout (phone, phone turned, desktop) uses
 * it, so a change of the mark (or its colour) reaches them all at once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const COMPONENTS = join(import.meta.dirname, '../../../client/src/components');
/** The mark's stroke: a rising line. */
const MARK = 'M3 11l3-4 3 2 4-6';

describe('the logo', () => {
  it('is written once, in the component both headers use', () => {
    const files = readdirSync(COMPONENTS).filter((f) => f.endsWith('.svelte'));
    const copies = files.flatMap((f) => {
      const n = readFileSync(join(COMPONENTS, f), 'utf8').split(MARK).length - 1;
      return n > 0 ? [`${f} × ${n}`] : [];
    });
    expect(copies).toEqual(['Logo.svelte × 1']);
    const header = readFileSync(join(COMPONENTS, 'Header.svelte'), 'utf8');
    const layouts = header.match(/<header\b/g)?.length ?? 0;
    expect(layouts).toBeGreaterThanOrEqual(2);
    expect(header.match(/<Logo\b/g)?.length, 'every header layout shows it').toBe(layouts);
  });
});
