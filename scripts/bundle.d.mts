/** Types of scripts/bundle.mjs (the runner's and the server's start-up bundles). */
export const ROOT: string;
export const ENTRY: string;
export const ENTRIES: { sim: string; server: string };
export const DEFAULT_CACHE: string;
/** The bundle `name` built for the current inputs, or null when an input changed or there is none. */
export function freshBundle(cache?: string, name?: string): string | null;
/** Builds the bundle `name` of `entry` into `cache` and returns its path (its older builds are removed). */
export function buildBundle(cache?: string, entry?: string, name?: string): Promise<string>;
/** Loads a bundle with its code cache; call `done()` once the run is over (writes the cache when needed). */
export function loadBundle(file: string): { exports: Record<string, unknown>; done: () => void };
/** The bundle `name`'s exports (built first when stale), or its entry run by tsx when no bundle can be had. */
export function loadEntry(
  name: 'sim' | 'server',
): Promise<{ exports: Record<string, unknown>; done: () => void }>;
