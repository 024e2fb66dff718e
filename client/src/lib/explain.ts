/**
 * One line per suffering VPS saying what hurts it and through which mechanism, e.g.
 * "web-1 p99 ×6: batch-1's cpu_hog holds 62 % of the host CPU under shared scheduling".
 */
import type { Frame, VpsMetrics } from '../../../shared/model.js';
import type { ActiveFault, ActiveHostFault, LabState, ModeSpec } from '../../../shared/protocol.js';
import { culpritFault, edgesFor, holds, throughDom0 } from './culprit.js';
import { pct, times } from './format.js';
import { mechanism } from './mechanism.js';
import { noNeighbourCause, ownCap } from './noNeighbour.js';
import { outageCause } from './outage.js';

export { mechanism };

export interface ExplainInput {
  vps: VpsMetrics;
  frame: Frame;
  faults: readonly ActiveFault[];
  hostFaults: readonly ActiveHostFault[];
  mode: ModeSpec;
  host: LabState['host'];
}

/** p99 inflation (vs the same VPS alone) from which a VPS counts as suffering. */
export const P99_RATIO_THRESHOLD = 1.5;
/** Degradation (share of good responses lost) from which a VPS counts as suffering. */
export const DEGRADATION_THRESHOLD = 0.01;
/**
 * From this p99 inflation the p99 is named as a ratio, in the explanation line (a VPS with
 * attribution edges gets a line below the thresholds too) and under the p99 on the card alike: one
 * card never reads "as if alone" over a line saying "p99 ×1.2".
 */
export const P99_NAMED_RATIO = 1.05;

/** p99 against the same VPS alone on the host (1 when unknown). */
export function p99Ratio(v: VpsMetrics): number {
  const iso = v.latencyP99IsolatedMs;
  if (!(iso > 0) || !Number.isFinite(v.latencyP99Ms)) return 1;
  return v.latencyP99Ms / iso;
}

/** The words under a served VPS's p99 on its card: the ratio whenever its line may name it. */
export function p99Words(ratio: number): string {
  return ratio >= P99_NAMED_RATIO ? `${times(ratio)} vs alone` : 'as if alone';
}

/** An explanation line, and whether it says that the VPS holds itself back (no neighbour does). */
export interface Explanation {
  text: string;
  /** Held back by its own CPU cap, by its own fault or its own load: no neighbour is to blame. */
  self: boolean;
}

/**
 * The explanation line, or null when the VPS is not suffering, no neighbour is taking anything
 * from it, its own cap does not hold it back and its card reads its p99 "as if alone" (a VPS with
 * attribution edges always gets its culprit and mechanism named; one whose p99 the card names as
 * raised gets what raised it, its own doing or its neighbours together).
 */
export function explain(input: ExplainInput): string | null {
  return explainWhy(input)?.text ?? null;
}

/** `explain`, saying also whether the line blames the VPS itself (who-hurts-whom counts no victim there). */
export function explainWhy(input: ExplainInput): Explanation | null {
  const { vps } = input;
  if (vps.state === 'down' || vps.state === 'rebooting' || vps.state === 'dnr') {
    const what =
      vps.state === 'dnr' ? 'does not respond (DNR)' : vps.state === 'down' ? 'is down' : 'is rebooting';
    return { text: `${vps.id} ${what}: ${outageCause(input)}`, self: false };
  }
  const ratio = p99Ratio(vps);
  const degr = vps.degradation;
  let head: string;
  if (ratio >= P99_RATIO_THRESHOLD) head = `${vps.id} p99 ${times(ratio)}`;
  else if (degr >= DEGRADATION_THRESHOLD)
    head = `${vps.id} loses ${pct(degr, degr < 0.1 ? 1 : 0)} of good responses`;
  else if (edgesFor(input.frame, vps.id).length) {
    // A neighbour is taking something from it, even if the effect is still small: say who and how.
    head =
      ratio >= P99_NAMED_RATIO
        ? `${vps.id} p99 ${times(ratio)}`
        : degr >= 0.00005
          ? `${vps.id} loses ${pct(degr, 2)} of good responses`
          : vps.id;
  } else {
    const text = ownCap(input);
    if (text !== null) return { text, self: true };
    // The card names the ratio under its p99 from here: the line says what raised it, not "unaffected".
    if (ratio < P99_NAMED_RATIO) return null;
    head = `${vps.id} p99 ${times(ratio)}`;
  }
  const why = cause(input);
  return { text: `${head}: ${why.text}`, self: why.self };
}

/** What the line names as the cause, and whether that is the VPS itself (no neighbour to blame). */
export interface Cause {
  text: string;
  self: boolean;
}

function cause(input: ExplainInput): Cause {
  const { vps, frame, faults, mode } = input;
  const edges = edgesFor(frame, vps.id, faults);
  if (edges.length) {
    const top = edges[0];
    const fault = culpritFault(faults, top.culprit, top.resource);
    const who = fault ? `${top.culprit}'s ${fault.fault}` : top.culprit;
    const culprit = frame.vps.find((v) => v.id === top.culprit);
    let line =
      `${who} ${throughDom0(top.resource, culprit, input) ?? `${holds(top.resource, culprit, input)} ${mechanism(top.resource, mode, vps)}`}`.trimEnd();
    if (edges.length > 1) line += ` (${pct(top.share)} of the shortfall; ${edges.length - 1} more)`;
    return { text: line, self: false };
  }
  return noNeighbourCause(input);
}

/** How alarming an explanation line is, in the colours the card's badge uses. */
export type Severity = 'fault' | 'warn' | 'note';

/**
 * The line's severity, from the VPS's state and the thresholds the line itself uses: red for a VPS
 * the engine calls degraded, DNR, down or rebooting; amber for one still running but suffering (p99
 * ×1.5 or 1 % of good responses lost); a plain note for a running VPS near its isolated latency
 * ("p99 ×1.1: … combined load"), which is no alarm.
 */
export function explanationSeverity(v: VpsMetrics | undefined): Severity {
  if (!v) return 'note';
  if (v.state !== 'running') return 'fault';
  return p99Ratio(v) >= P99_RATIO_THRESHOLD || v.degradation >= DEGRADATION_THRESHOLD ? 'warn' : 'note';
}
