/**
 * One line per suffering VPS saying what hurts it and through which mechanism, e.g.
 * "web-1 p99 ×6: batch-1's cpu_hog holds 62 % of the host CPU under shared scheduling".
 */
import type { Attribution, Frame, ModeId, Resource, VpsMetrics } from '../../../shared/model.js';
import type { ActiveFault, ActiveHostFault, LabState, ModeSpec } from '../../../shared/protocol.js';
import { ms, pct, times } from './format.js';

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

const SHARE_MODES = new Set<ModeId>(['para', 'container']);

/** Relevance of a guest fault to each resource, to name the misbehaviour behind an edge. */
const FAULT_RESOURCES: Record<string, readonly Resource[]> = {
  cpu_hog: ['cpu'],
  fork_bomb: ['cpu', 'kernel'],
  memory_leak: ['mem'],
  io_storm: ['disk', 'dom0', 'hostos'],
  net_flood: ['net', 'dom0', 'hostos'],
  cache_thrash: ['cache'],
  kernel_panic: ['kernel'],
};

function base(mode: ModeSpec): ModeId {
  return typeof mode === 'string' ? mode : mode.base;
}

function isShared(mode: ModeSpec): boolean {
  if (typeof mode !== 'string' && mode.cpuPolicy) return mode.cpuPolicy === 'share';
  return SHARE_MODES.has(base(mode));
}

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

/** Share of its time held back by its own CPU cap from which a VPS's line names that cap. */
const THROTTLED_SHOWN = 0.05;

/**
 * A VPS no neighbour hurts, held at its own CPU cap by its own fault or its own load:
 * "unaffected by its neighbours" would be true, and hide what holds it back. Null below the
 * threshold. (Who-hurts-whom counts no victim in such a line: `Explanation.self`.)
 */
function ownCap(input: ExplainInput): string | null {
  const { vps, faults, mode } = input;
  if (vps.cpuThrottled < THROTTLED_SHOWN) return null;
  const mine = faults.filter((f) => f.vps === vps.id);
  const own = mine.find((f) => FAULT_RESOURCES[f.fault]?.includes('cpu')) ?? mine[0];
  const why = own ? `while its own ${own.fault} runs` : 'by its own load';
  return `${vps.id} is held back by its own CPU cap (${capName(mode)}), not by its neighbours: throttled ${pct(vps.cpuThrottled)} of the time ${why}`;
}

/**
 * A victim's edges, largest share first. At equal shares (each resource's shares are its own split)
 * an edge on the resource its culprit's running fault acts on comes first, then one from a culprit
 * running any fault, then one from a culprit that is only busy (`faults`: the faults running).
 */
function edgesFor(frame: Frame, victim: string, faults: readonly ActiveFault[] = []): Attribution[] {
  const faulty = (a: Attribution) => {
    const own = faults.filter((f) => f.vps === a.culprit);
    if (own.some((f) => FAULT_RESOURCES[f.fault]?.includes(a.resource))) return 2;
    return own.length ? 1 : 0;
  };
  return frame.attribution
    .filter((a) => a.victim === victim && a.share > 0)
    .sort((a, b) => b.share - a.share || faulty(b) - faulty(a));
}

function culpritFault(
  faults: readonly ActiveFault[],
  culprit: string,
  resource: Resource,
): ActiveFault | undefined {
  const own = faults.filter((f) => f.vps === culprit);
  return own.find((f) => FAULT_RESOURCES[f.fault]?.includes(resource)) ?? own[0];
}

/** What the line names as the cause, and whether that is the VPS itself (no neighbour to blame). */
interface Cause {
  text: string;
  self: boolean;
}

/** Share of Dom0's or the host OS's CPU from which its queue is named as what a guest's I/O waits in. */
const BACKEND_BUSY = 0.5;

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
  const own = ownFaults(faults, vps.id);
  // Its own faults first: what its cap holds back is their doing.
  if (own) return { text: `its own ${own}`, self: true };
  if (vps.cpuThrottled >= THROTTLED_SHOWN)
    return {
      text: `throttled ${pct(vps.cpuThrottled)} of the time by its own CPU cap (${capName(mode)})`,
      self: true,
    };
  if (vps.memSwappedGiB > 0.01)
    return { text: `swapping inside the guest (memory demand above its plan)`, self: true };
  return { text: sharedCause(input), self: false };
}

/**
 * No edge names a neighbour and the VPS does nothing to itself: what the frame shows raising its
 * p99 or costing it good responses on the shared host, most specific first.
 */
function sharedCause(input: ExplainInput): string {
  const { vps, frame, faults, mode } = input;
  const { host } = frame;
  const io = vps.diskServedIops > 0 || vps.netServedMbps > 0;
  if (host.hostSwapGiB > 0.01)
    return `the host is swapping (${host.hostSwapGiB.toFixed(1)} GiB): every guest slows`;
  if (vps.cpuSteal >= 0.05)
    return `${pct(vps.cpuSteal)} CPU steal: neighbours took its CPU ${mechanism('cpu', mode, vps)}`;
  const thrash = faults.find((f) => f.fault === 'cache_thrash' && f.vps !== vps.id);
  if (thrash) return `${thrash.vps}'s cache_thrash ${mechanism('cache', mode, vps)}`;
  // No measured share, but a neighbour floods the disk this VPS uses: say what it waits there, and beside whom.
  const storm = faults.find((f) => f.fault === 'io_storm' && f.vps !== vps.id);
  if (storm && vps.diskServedIops > 0)
    return `${ms(vps.diskLatencyMs)} at the disk while ${storm.vps}'s io_storm runs ${mechanism('disk', mode, vps)}`;
  if (vps.schedWaitMs >= 1 && isShared(mode))
    return `scheduler wait ${ms(vps.schedWaitMs)} on a busy shared CPU`;
  if (io && host.dom0CpuUtil >= BACKEND_BUSY)
    return `Dom0 is ${pct(host.dom0CpuUtil)} busy with every guest's I/O: its own waits in Dom0's backends`;
  if (io && host.hostOsCpuUtil >= BACKEND_BUSY)
    return `the host OS is ${pct(host.hostOsCpuUtil)} busy with every guest's I/O: its own waits there`;
  // Its p99 and good responses are measured against itself alone on the host: what it lost, its
  // neighbours cost it together (cache, devices, scheduler), none above its fair share, so no edge names one.
  return "its neighbours' combined load on the shared host, no single neighbour to blame (none above its fair share)";
}

/**
 * Under para every guest's disk and network I/O passes Dom0's backends: an edge on Dom0 says the
 * culprit's I/O fills Dom0, and every guest's I/O, the victim's among it, waits there (its own share
 * of the device may be free). The culprit's I/O is named by its storm or flood, else by the one
 * device it uses.
 */
function throughDom0(
  resource: Resource,
  culprit: VpsMetrics | undefined,
  input: ExplainInput,
): string | null {
  const { frame, vps, faults } = input;
  if (resource !== 'dom0') return null;
  const own = culprit ? faults.filter((f) => f.vps === culprit.id).map((f) => f.fault) : [];
  const disk = culprit !== undefined && culprit.diskServedIops > 0,
    net = culprit !== undefined && culprit.netServedMbps > 0;
  const what = own.includes('io_storm')
    ? 'disk '
    : own.includes('net_flood')
      ? 'network '
      : disk && !net
        ? 'disk '
        : net && !disk
          ? 'network '
          : '';
  const wait = vps.diskServedIops > 0 ? ` (${ms(vps.diskLatencyMs)} at the disk)` : '';
  return `keeps Dom0 ${pct(frame.host.dom0CpuUtil)} busy with its ${what}I/O: every guest's I/O waits in Dom0's backends${wait}`;
}

function holds(resource: Resource, culprit: VpsMetrics | undefined, input: ExplainInput): string {
  const { host, frame } = input;
  if (!culprit) return `takes more than its fair share of ${RESOURCE_NAMES[resource]}`;
  switch (resource) {
    case 'cpu':
      return `holds ${pct(culprit.cpuGranted / host.cores)} of the host CPU`;
    case 'disk': {
      // Held back at its own limit, it takes no more than an equal share of the device: what it holds
      // is the shared journal's commits, and what the victim sees is the wait.
      const share = culprit.diskServedIops / host.diskIops;
      if (share <= 1 / frame.vps.length && input.vps.diskServedIops > 0)
        return `keeps the disk waiting (${ms(input.vps.diskLatencyMs)} there)`;
      return `holds ${pct(share)} of the disk`;
    }
    case 'net':
      return `holds ${pct(culprit.netServedMbps / host.netMbps)} of the NIC`;
    case 'mem':
      return `holds ${pct(culprit.memResidentGiB / host.ramGiB)} of host RAM`;
    case 'dom0':
      return `keeps Dom0 ${pct(frame.host.dom0CpuUtil)} busy`;
    case 'hostos':
      return `keeps the host OS ${pct(frame.host.hostOsCpuUtil)} busy`;
    case 'cache':
      return 'contends with it';
    case 'kernel':
      return 'exhausts the shared kernel';
  }
}

const RESOURCE_NAMES: Record<Resource, string> = {
  cpu: 'the host CPU',
  mem: 'host RAM',
  disk: 'the disk',
  net: 'the NIC',
  cache: 'the cache',
  dom0: 'Dom0',
  kernel: 'the kernel',
  hostos: 'the host OS',
};

/** How the resource reaches the victim under this mode. */
export function mechanism(resource: Resource, mode: ModeSpec, victim?: VpsMetrics): string {
  const b = base(mode);
  switch (resource) {
    case 'cpu': {
      if (!isShared(mode)) return 'on the shared host';
      const wait = victim && victim.schedWaitMs >= 1 ? `, ${ms(victim.schedWaitMs)} scheduler wait` : '';
      return `under shared scheduling${wait}`;
    }
    case 'disk':
      return b === 'para'
        ? "through Dom0's shared disk queue"
        : b === 'container'
          ? "in the shared kernel's disk queue"
          : 'on the shared disk';
    case 'net':
      return b === 'para'
        ? "through Dom0's netback"
        : b === 'container'
          ? 'on the shared NIC queue'
          : 'on the shared NIC';
    case 'mem':
      return b === 'container'
        ? 'and the host swaps (no memory.max)'
        : 'and the host swaps (overcommitted memory)';
    case 'cache':
      return 'in the shared last-level cache and memory bandwidth';
    case 'dom0':
      return "so Dom0's backends serve everyone's I/O late";
    case 'kernel':
      return 'in the one shared kernel';
    case 'hostos':
      return 'through the host OS';
  }
}

/** What enforces a VPS's CPU cap under this mode. */
function capName(mode: ModeSpec): string {
  if (!isShared(mode)) return 'fixed quota';
  return base(mode) === 'container' ? 'cpu.max' : 'Xen credit cap';
}

/** Faults that take a shared kernel, and every container on it, down. */
const SHARED_KERNEL = new Set<string>(['kernel_panic', 'fork_bomb']);

function outageCause(input: ExplainInput): string {
  const { vps, faults, hostFaults, mode, frame } = input;
  const hf = hostFaults[0];
  if (hf) {
    if (hf.fault === 'dom0_crash') return "Dom0 crashed: every guest's I/O stopped";
    if (hf.fault === 'host_os_crash') return 'the host OS crashed: every guest went down with it';
    return 'the host is rebooting';
  }
  const mine = faults.filter((f) => f.vps === vps.id).map((f) => f.fault);
  if (mine.includes('kernel_panic')) return 'its kernel panicked; it reboots';
  if (mine.includes('memory_leak')) return 'its memory_leak ran into the OOM killer';
  const own = ownFaults(faults, vps.id);
  // Its own fault silences it before any neighbour it also waits for (a storm past its own timeout).
  if (
    own &&
    !(base(mode) === 'container' && faults.some((f) => f.vps !== vps.id && SHARED_KERNEL.has(f.fault)))
  )
    return `its own ${own}`;
  if (base(mode) === 'container') {
    const shared = faults.find((f) => f.vps !== vps.id && SHARED_KERNEL.has(f.fault));
    if (shared?.fault === 'kernel_panic')
      return `${shared.vps}'s kernel_panic took the one shared kernel down`;
    if (shared) return `${shared.vps}'s fork_bomb exhausted the shared kernel's process table`;
  }
  const edges = edgesFor(frame, vps.id, faults);
  if (edges.length) {
    const top = edges[0];
    const fault = culpritFault(faults, top.culprit, top.resource);
    return `${fault ? `${top.culprit}'s ${fault.fault}` : top.culprit} starves it of ${RESOURCE_NAMES[top.resource]}`;
  }
  if (own) return `its own ${own}`;
  return vps.state === 'dnr' ? 'requests time out' : 'no fault is active; it is coming back';
}

/**
 * The faults a VPS runs, named in the order they started ("cpu_hog and io_storm"; they stack, model
 * spec §8), or null with none.
 */
function ownFaults(faults: readonly ActiveFault[], id: string): string | null {
  const names = faults.filter((f) => f.vps === id).map((f) => f.fault);
  if (!names.length) return null;
  if (names.length === 1) return names[0];
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
