/**
 * How a cell is measured (validation.md, last section): each guest's good responses (within its
 * SLO) over the stress window, against the same guest in the same setup over the same window of a
 * run without the stress. Runs step the engine with `advance` and read its typed metric arrays;
 * no frames are built.
 */
import { parseCommand, type Command, type Scenario } from '../../shared/commands.js';
import type { GuestJson } from '../../shared/scorecard.js';
import { createEngine } from '../sim/index.js';
import { param } from './params.js';

export type StressId = string;

/** Warm-up before the stress starts, and the measured window (the stress runs through it). */
export interface Timing {
  warmupS: number;
  windowS: number;
}

/** The scorecard's own tables: the paper's two-minute window. */
export const TABLE_TIMING: Timing = { warmupS: 10, windowS: 120 };

let inbound: boolean | undefined;

/**
 * Whether the engine has a flood aimed at a guest: its command vocabulary takes `net_flood` with
 * `direction: "rx"` AND the engine acts on it (a short probe whose figures differ from the same
 * flood sent by the guest; a vocabulary that accepts the word but ignores it is a missing mechanism).
 */
export function inboundFloodSupported(): boolean {
  if (inbound !== undefined) return inbound;
  const rx = parseCommand({ type: 'startFault', vps: 'b', fault: 'net_flood', direction: 'rx' });
  if (!rx.ok) return (inbound = false);
  const probe = (cmd: Command): number[] => {
    const plan = {
      vcpus: 1,
      ramGiB: 1,
      diskIops: 100,
      netMbps: 500,
      profile: 'steady' as const,
      load: { cpu: 0.1, mem: 0.5, disk: 0.1, net: 0.1 },
    };
    const e = createEngine({
      name: 'inbound flood probe',
      seed: 1,
      tickMs: 100,
      mode: 'para',
      host: { cores: 1, ramGiB: 4, diskIops: 200, netMbps: 1000, memBwGBs: 6.4 },
      vps: [
        { id: 'a', ...plan },
        { id: 'b', ...plan },
      ],
      events: [{ atTick: 1, ...cmd }],
    });
    e.advance(20);
    return [
      ...e.metric('netServedMbps'),
      ...e.metric('throughputRps'),
      ...e.metric('latencyMeanMs'),
      e.hostMetric('dom0CpuUtil'),
    ];
  };
  const a = probe(rx.data);
  const b = probe({ type: 'startFault', vps: 'b', fault: 'net_flood' });
  return (inbound = a.some((x, i) => x !== b[i]));
}

/** The flood aimed at a guest ("network, server receives"), where the engine has the mechanism, else undefined. */
export function receiveFloodCommand(vps: string): Command | undefined {
  if (!inboundFloodSupported()) return undefined;
  const r = parseCommand({ type: 'startFault', vps, fault: 'net_flood', direction: 'rx' });
  return r.ok ? r.data : undefined;
}

/** The command that starts a stress on the misbehaving guest (a host fault hits the host); undefined where the engine lacks it. */
export function stressCommand(stress: StressId, vps: string): Command | undefined {
  if (stress === 'net_receive') return receiveFloodCommand(vps);
  if (stress === 'dom0_crash' || stress === 'host_os_crash' || stress === 'host_reboot')
    return { type: 'hostFault', fault: stress };
  const r = parseCommand({ type: 'startFault', vps, fault: stress });
  return r.ok ? r.data : undefined;
}

export interface RunStats {
  /** Good responses per guest over the window. */
  good: number[];
  /** Mean p99 per guest over the window, ms. */
  p99: number[];
  /** Longest stretch each guest did not answer, s. */
  longestSilentS: number[];
}

/** One run of a scenario, with the command (if any) applied at the end of the warm-up. */
export function run(s: Scenario, command: Command | undefined, timing: Timing): RunStats {
  const events = command ? [{ atS: timing.warmupS, ...command }] : [];
  const engine = createEngine({ ...s, events });
  const dt = (s.tickMs ?? 100) / 1000;
  const n = s.vps.length;
  engine.advance(Math.round(timing.warmupS / dt));
  const ticks = Math.round(timing.windowS / dt);
  const good = new Array<number>(n).fill(0);
  const p99 = new Array<number>(n).fill(0);
  const silent = new Array<number>(n).fill(0);
  const longest = new Array<number>(n).fill(0);
  const thr = engine.metric('throughputRps');
  const gf = engine.metric('goodFraction');
  const lat = engine.metric('latencyP99Ms');
  for (let k = 0; k < ticks; k++) {
    engine.advance(1);
    const codes = engine.stateCodes();
    for (let i = 0; i < n; i++) {
      good[i] += thr[i] * gf[i] * dt;
      p99[i] += lat[i] / ticks;
      // dnr, down, rebooting: not answering.
      silent[i] = codes[i] >= 2 ? silent[i] + dt : 0;
      if (silent[i] > longest[i]) longest[i] = silent[i];
    }
  }
  return { good, p99, longestSilentS: longest };
}

/** Each guest's drop against the run without the stress. A guest silent for the client timeout (the scenario's, if it overrides it) did not respond (DNR). */
export function compareRuns(
  ids: string[],
  base: RunStats,
  stressed: RunStats,
  scenario?: Scenario,
): GuestJson[] {
  const overrides = (scenario as { params?: Record<string, unknown> } | undefined)?.params;
  const timeoutMs =
    typeof overrides?.clientTimeoutMs === 'number' ? overrides.clientTimeoutMs : param('clientTimeoutMs');
  const timeoutS = timeoutMs / 1000;
  return ids.map((id, i) => ({
    id,
    degradationPct: base.good[i] > 0 ? Math.max(0, 100 * (1 - stressed.good[i] / base.good[i])) : 0,
    // Silent that long without the stress too: the setup's own failure, not the stress's.
    dnr: stressed.longestSilentS[i] >= timeoutS && base.longestSilentS[i] < timeoutS,
    p99Ms: stressed.p99[i],
    baselineP99Ms: base.p99[i],
  }));
}
