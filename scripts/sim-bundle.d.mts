/** Types of scripts/sim-bundle.mjs (the runner's start-up bundle). */
export const ROOT: string;
export const ENTRY: string;
export const DEFAULT_CACHE: string;
/** The bundle built for the current inputs, or null when an input changed or there is none. */
export function freshBundle(cache?: string): string | null;
/** Builds the bundle of `entry` into `cache` and returns its path (older bundles are removed). */
export function buildBundle(cache?: string, entry?: string): Promise<string>;
/** Loads a bundle with its code cache; call `done()` once the run is over (writes the cache when needed). */
export function loadBundle(file: string): { exports: Record<string, unknown>; done: () => void };
