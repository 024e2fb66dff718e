/** Commands and modes as one line of text for the lab's event log. */
import type { Command, ModeSpec } from '../../shared/commands.js';

export function modeName(mode: ModeSpec): string {
  if (typeof mode === 'string') return mode;
  const extra = Object.entries(mode)
    .filter(([k]) => k !== 'base')
    .map(([k, v]) => `${k}=${String(v)}`);
  return extra.length ? `${mode.base} (${extra.join(', ')})` : mode.base;
}

function pct(x: number | undefined): string | undefined {
  return x === undefined ? undefined : `${Math.round(x * 100)} %`;
}

function fields(obj: Record<string, number | undefined>, fmt: (x: number) => string = String): string {
  return Object.entries(obj)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${fmt(v as number)}`)
    .join(', ');
}

export function describeCommand(c: Command): string {
  switch (c.type) {
    case 'setLoad':
      return `${c.vps}: load ${fields(c.load, (x) => pct(x) as string)}`;
    case 'setProfile':
      return `${c.vps}: profile ${c.profile}`;
    case 'startFault':
      return `${c.fault} started on ${c.vps}${c.durationS ? ` for ${c.durationS} s` : ''}${c.rate ? ` (rate ${c.rate})` : ''}`;
    case 'stopFault':
      return `${c.fault} stopped on ${c.vps}`;
    case 'hostFault':
      return `host fault ${c.fault}${c.durationS ? ` for ${c.durationS} s` : ''}`;
    case 'resizeVps':
      return `${c.vps} resized: ${fields(c.plan)}`;
    case 'addVps':
      return `${c.vps.id} added (${c.vps.vcpus} vCPU, ${c.vps.ramGiB} GiB)`;
    case 'removeVps':
      return `${c.vps} removed`;
    case 'setMode':
      return `mode set to ${modeName(c.mode)}`;
  }
}
