/**
 * What happens in a lab, as data: the engine's events (what it did by itself or applied), and the
 * one formatter that turns them, and commands and modes, into a line of text. Both ends use it;
 * nothing parses the text back.
 */
import type { Command, ModeSpec } from './commands.js';
import type { GuestFault, HostFault, VpsState } from './model.js';

/** A change of a VPS's state worth a log line. */
export const VPS_CHANGES = ['down', 'rebooting', 'up', 'hung', 'responding'] as const;
export type VpsChange = (typeof VPS_CHANGES)[number];

/** What an engine reports it did, in the step or command that did it. */
export type EngineEvent =
  /** A scheduled scenario event, applied by the engine itself (or refused: `refused` says why). */
  | { type: 'scheduled'; tick: number; command: Command; refused?: string }
  /** A fault ended on its own (its duration ran out); `vps` is absent for host faults. */
  | { type: 'faultEnded'; tick: number; fault: GuestFault | HostFault; vps?: string }
  /** An OOM killer fired: inside the guest (`guest`), or the host's kernel picked it (`host`). */
  | { type: 'oomKill'; tick: number; vps: string; scope: 'guest' | 'host' }
  /** The shared kernel ran out of memory and swap and stalls every container. */
  | { type: 'oomStall'; tick: number }
  /** A VPS went down, started rebooting, came back, stopped responding or responds again. */
  | { type: 'vps'; tick: number; vps: string; change: VpsChange }
  /** What a command meant beyond itself (a shared kernel taking everyone down, a no-op). */
  | { type: 'note'; tick: number; text: string; vps?: string; fault?: GuestFault | HostFault };

/** How a VPS state change reads, or null when it is not worth a log line. */
export function vpsChange(from: VpsState, to: VpsState): VpsChange | null {
  const down = (s: VpsState) => s === 'down' || s === 'rebooting';
  if (down(to) && !down(from)) return 'down';
  if (to === 'rebooting' && from === 'down') return 'rebooting';
  if (down(from) && (to === 'running' || to === 'degraded')) return 'up';
  if (to === 'dnr') return 'hung';
  if (from === 'dnr' && (to === 'running' || to === 'degraded')) return 'responding';
  return null;
}

/** A mode's overrides, each as `name=value` (`cpuPolicy=quota, cpuCaps=true`); '' for none. */
export function modeOverrides(mode: ModeSpec): string {
  if (typeof mode === 'string') return '';
  return Object.entries(mode)
    .filter(([k]) => k !== 'base')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

/** The one name of a mode: its id, with its overrides in brackets (`para (steal=0.1)`). */
export function modeLabel(mode: ModeSpec): string {
  if (typeof mode === 'string') return mode;
  const extra = modeOverrides(mode);
  return extra ? `${mode.base} (${extra})` : mode.base;
}

function pct(x: number): string {
  return `${Math.round(x * 100)} %`;
}

function fields(obj: Record<string, number | undefined>, fmt: (x: number) => string = String): string {
  return Object.entries(obj)
    .filter((e): e is [string, number] => e[1] !== undefined)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(', ');
}

/** A command as one line of text. */
export function describeCommand(c: Command): string {
  switch (c.type) {
    case 'setLoad':
      return `${c.vps}: load ${fields(c.load, pct)}`;
    case 'setProfile':
      return `${c.vps}: profile ${c.profile}`;
    case 'startFault':
      return `${c.fault} started on ${c.vps}${c.durationS ? ` for ${c.durationS} s` : ''}${c.rate ? ` (rate ${c.rate})` : ''}`;
    case 'stopFault':
      return `${c.fault} stopped on ${c.vps}`;
    case 'hostFault':
      return `host fault ${c.fault}${c.durationS ? ` for ${c.durationS} s` : ''}`;
    case 'resizeVps':
      return `${c.vps} resized: ${Object.entries(c.plan)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => (v === null ? 'CPU cap removed' : `${k} ${v}`))
        .join(', ')}`;
    case 'addVps':
      return `${c.vps.id} added (${c.vps.vcpus} vCPU, ${c.vps.ramGiB} GiB)`;
    case 'removeVps':
      return `${c.vps} removed`;
    case 'setMode':
      return `mode set to ${modeLabel(c.mode)}`;
  }
}

const CHANGE_TEXT: Record<VpsChange, string> = {
  down: 'went down',
  rebooting: 'is rebooting',
  up: 'is back up',
  hung: 'stopped responding (DNR)',
  responding: 'responds again',
};

/** An engine event as one line of text. */
export function describeEvent(e: EngineEvent): string {
  switch (e.type) {
    case 'scheduled':
      return e.refused ? `scheduled ${describeCommand(e.command)} refused` : describeCommand(e.command);
    case 'faultEnded':
      if (e.vps === undefined) return `${e.fault} is over: the host is back`;
      return e.fault === 'kernel_panic'
        ? `${e.vps} rebooted after its kernel panic`
        : `${e.fault} on ${e.vps} ended`;
    case 'oomKill':
      return e.scope === 'guest'
        ? `out of memory inside ${e.vps}: its OOM killer restarts the service`
        : `host out of memory: the kernel's OOM killer kills ${e.vps}`;
    case 'oomStall':
      return 'host out of memory and swap: the shared kernel stalls in reclaim';
    case 'vps':
      return `${e.vps} ${CHANGE_TEXT[e.change]}`;
    case 'note':
      return e.text;
  }
}
