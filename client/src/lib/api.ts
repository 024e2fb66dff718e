/**
 * REST calls and the page URL (which lab, which view). Every call answers with a result, never throws.
 */
import type { Ack, LabSummary, ModeSpec } from '../../../shared/protocol.js';

/** Every REST answer is the shared answer shape. */
export type ApiResult<T> = Ack<T>;

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
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json().catch(() => null)) as unknown;
    if (isAnswer<T>(json)) return json;
    return { ok: false, error: { code: 'INTERNAL', message: `${res.status} ${res.statusText}` } };
  } catch (e) {
    return {
      ok: false,
      error: { code: 'INTERNAL', message: `Server unreachable (${(e as Error).message})` },
    };
  }
}

/** Whether a response body is the answer shape (`{ ok: true, data }` or `{ ok: false, error }`). */
export function isAnswer<T>(json: unknown): json is ApiResult<T> {
  if (!json || typeof json !== 'object') return false;
  const a = json as { ok?: unknown; data?: unknown; error?: unknown };
  return a.ok === true ? 'data' in a : a.ok === false && typeof a.error === 'object' && a.error !== null;
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
  resetLab: (lab: string) =>
    call<{ id: string; tick: number }>('POST', `/api/labs/${encodeURIComponent(lab)}/reset`, {}),
};

export function csvUrl(lab: string): string {
  return `/api/labs/${encodeURIComponent(lab)}/metrics.csv`;
}

/**
 * The recorded session as a scenario file to save (what the runner and a new lab read); `side` 1 is
 * a compare lab's second mode.
 */
export function scenarioUrl(lab: string, side?: 0 | 1): string {
  return `/api/labs/${encodeURIComponent(lab)}/scenario?download${side === undefined ? '' : `&side=${side}`}`;
}
