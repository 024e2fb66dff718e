/**
 * REST calls and the page URL (which lab, which view). Every call answers with a result, never throws.
 */
import type { ApiError, LabSummary, ModeSpec } from '../../../shared/protocol.js';

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export type View = 'dashboard' | 'compare' | 'scorecard';
const VIEWS: readonly View[] = ['dashboard', 'compare', 'scorecard'];

let rememberedToken: string | undefined;

/** The control token: from `?token=` once, then remembered for this browser tab. */
export function controlToken(): string | undefined {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    rememberedToken = fromUrl;
    try {
      sessionStorage.setItem('controlToken', fromUrl);
    } catch {
      // No session storage: kept in memory for this page.
    }
  }
  if (rememberedToken) return rememberedToken;
  try {
    return sessionStorage.getItem('controlToken') ?? undefined;
  } catch {
    return undefined;
  }
}

/** Remember the token for this tab and take it out of the address bar, so copied links do not carry it. */
export function hideTokenFromUrl(): void {
  controlToken();
  const p = new URLSearchParams(location.search);
  if (!p.has('token')) return;
  p.delete('token');
  const q = p.toString();
  history.replaceState(history.state, '', `${location.pathname}${q ? `?${q}` : ''}${location.hash}`);
}

export function readLocation(): { lab: string | null; view: View } {
  const p = new URLSearchParams(location.search);
  const v = p.get('view') as View | null;
  return { lab: p.get('lab'), view: v && VIEWS.includes(v) ? v : 'dashboard' };
}

/** Put lab and view in the URL (history entry only when `push`). */
export function writeLocation(lab: string | null, view: View, push = false): void {
  const p = new URLSearchParams(location.search);
  p.delete('token');
  if (lab) p.set('lab', lab);
  else p.delete('lab');
  if (view === 'dashboard') p.delete('view');
  else p.set('view', view);
  const url = `${location.pathname}?${p.toString()}`;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = controlToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json().catch(() => null)) as unknown;
    if (json && typeof json === 'object' && 'ok' in json) return json as ApiResult<T>;
    if (!res.ok) {
      const err = (json as { error?: ApiError } | null)?.error;
      return { ok: false, error: err ?? { code: 'INTERNAL', message: `${res.status} ${res.statusText}` } };
    }
    return { ok: true, data: json as T };
  } catch (e) {
    return { ok: false, error: { code: 'INTERNAL', message: `Server unreachable (${(e as Error).message})` } };
  }
}

export interface Preset {
  id: string;
  name: string;
  description?: string;
}

export const api = {
  labs: () => call<LabSummary[]>('GET', '/api/labs'),
  presets: () => call<Preset[]>('GET', '/api/presets'),
  scorecard: () => call<unknown>('GET', '/api/scorecard'),
  scenario: (lab: string) => call<unknown>('GET', `/api/labs/${encodeURIComponent(lab)}/scenario`),
  createLab: (body: { preset?: string; scenario?: unknown; from?: string; compare?: [ModeSpec, ModeSpec] }) =>
    call<LabSummary>('POST', '/api/labs', body),
  resetLab: (lab: string) => call<{ id: string; tick: number }>('POST', `/api/labs/${encodeURIComponent(lab)}/reset`, {}),
};

export function csvUrl(lab: string): string {
  return `/api/labs/${encodeURIComponent(lab)}/metrics.csv`;
}

export function scenarioUrl(lab: string): string {
  return `/api/labs/${encodeURIComponent(lab)}/scenario`;
}
