/** Numbers with their units, as the dashboard shows them. */

export function ms(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v >= 10_000) return `${(v / 1000).toFixed(1)} s`;
  if (v >= 100) return `${Math.round(v)} ms`;
  if (v >= 10) return `${v.toFixed(1)} ms`;
  return `${v.toFixed(2)} ms`;
}

/** A host fault in words, as the charts mark it: "host_os_crash" → "host os crash". */
export function hostFaultWords(fault: string): string {
  return fault.replaceAll('_', ' ');
}

export function pct(fraction: number, digits = 0): string {
  if (!Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)} %`;
}

export function num(v: number, digits = 0): string {
  if (!Number.isFinite(v)) return '—';
  if (Math.abs(v) >= 10_000) return `${(v / 1000).toFixed(v >= 100_000 ? 0 : 1)} k`;
  return v.toFixed(digits);
}

export function rps(v: number): string {
  return `${num(v, v < 10 ? 1 : 0)} req/s`;
}

export function gib(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} GiB`;
}

export function iops(v: number): string {
  return `${num(v)} IOPS`;
}

export function mbps(v: number): string {
  if (v >= 1000) return `${(v / 1000).toFixed(v % 1000 ? 1 : 0)} Gbit/s`;
  return `${num(v)} Mbit/s`;
}

/** Simulated seconds as m:ss (or h:mm:ss). */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A ratio such as ×6 or ×1.4. */
export function times(r: number): string {
  if (!Number.isFinite(r)) return '×∞';
  return r >= 10 ? `×${Math.round(r)}` : `×${r.toFixed(1).replace(/\.0$/, '')}`;
}

/** The form's own words for the engine's field names (an error says "CPU cap", not "cpuCapCores"). */
const FIELD_WORDS: [RegExp, string][] = [
  [/\b(?:plan\.|vps\.)?cpuCapCores\b/g, 'CPU cap'],
  [/\b(?:plan\.|vps\.)?vcpus\b/g, 'vCPUs'],
  [/\b(?:plan\.|vps\.)?ramGiB\b/g, 'RAM (GiB)'],
  [/\b(?:plan\.|vps\.)?diskIops\b/g, 'disk IOPS'],
  [/\b(?:plan\.|vps\.)?netMbps\b/g, 'network (Mbit/s)'],
  [/\b(?:plan\.|vps\.)?weight\b/g, 'weight'],
];

export function plainWords(message: string): string {
  let out = message;
  for (const [re, words] of FIELD_WORDS) out = out.replace(re, words);
  return out.replace(/^\(root\):\s*/, '');
}
