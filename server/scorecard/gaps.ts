/**
 * Where a published [M07] figure is out of the model's reach on the paper's host, the mechanism
 * the model lacks, named per stress, column and side. The scorecard prints one only where the
 * figure actually misses; a miss with no entry here prints as unexplained.
 */
import type { ScorecardColumn, ScorecardRow } from '../../shared/scorecard.js';

type Side = 'good' | 'bad';

/** Stresses the engine cannot start yet, and the mechanism that would. */
export const NOT_RUN_MECHANISM: Partial<Record<ScorecardRow, string>> = {
  net_receive:
    'mechanism missing: inbound flood (a flood aimed at one guest, received through the shared NIC and, under para, Dom0)',
};

const OWN_DISK_QUEUE =
  "I/O fairness inside the storming guest between its web server and its own storm (CFQ/BFQ serve the server's synchronous reads beside the storm's stream): the model queues the guest's own requests behind 20× its plan, so it stops answering where [M07]'s storming guests kept serving";
const OWN_TX_QUEUE =
  "per-flow fairness on the flooding guest's own transmit path (fq, TCP congestion control: short web replies are served beside the bulk flood): the model queues the guest's own replies behind its line-rate flood";
const RX_LIVELOCK =
  "receive livelock: a flood of packets aimed at one container keeps the one kernel's receive softirq busy for every packet (interrupts and NAPI polling without bound on a 2007 kernel, small packets costing far more per bit than full frames), so every process on the host starves; the model charges the inbound flood per Mbit at full-size frames (netMbitCpu), half of the paper's one core, which leaves the web guests what they need";
const GUEST_THRASH =
  'a guest thrashing in its own swap before its OOM killer fires, long enough for the client to give up: the model restarts the service after oomRestartS with no thrash before it, so the guest is back before the client timeout';

/** Key: `stress/column/side`. */
export const MECHANISM_GAPS: Record<string, string> = {
  'io_storm/hosted/bad': OWN_DISK_QUEUE,
  'io_storm/para/bad': OWN_DISK_QUEUE,
  'io_storm/containerLimits/bad': OWN_DISK_QUEUE,
  'net_flood/hosted/bad': OWN_TX_QUEUE,
  'net_flood/para/bad': OWN_TX_QUEUE,
  'memory_leak/para/bad': GUEST_THRASH,
  'memory_leak/containerLimits/bad': GUEST_THRASH,
  'io_storm/para/good':
    "blkback's per-ring batching (each guest's ring served in turn with a bounded number of requests in flight): the model puts every guest's request in one M/M/1 queue at the device's utilisation, so a neighbour waits behind the whole storm",
  'net_receive/containerLimits/good': RX_LIVELOCK,
  'net_receive/containerLimits/bad': RX_LIVELOCK,
  'net_flood/containerLimits/good':
    "TCP congestion control: a flooding container's flows back off when the shared queue drops, so it holds less than its line-rate share; the model's flood keeps its line-rate demand whatever the loss",
  'net_flood/containerLimits/bad':
    "TCP congestion control and per-flow fairness: the flooder backs off on loss and its own replies are served beside the flood; the model's flood keeps its line-rate demand and queues the guest's replies behind it",
};

/** The named mechanism(s) behind a cell whose published figure(s) miss. */
export function missingMechanismOf(
  stress: ScorecardRow,
  column: ScorecardColumn,
  holds: Record<Side, boolean>,
): string {
  const sides: Side[] = (['good', 'bad'] as const).filter((s) => !holds[s]);
  return sides
    .map(
      (s) => `${s}: ${MECHANISM_GAPS[`${stress}/${column}/${s}`] ?? 'unexplained (no mechanism named yet)'}`,
    )
    .join('; ');
}

/**
 * Demanded cells the model misses today on the scorecard's own hosts, each with the mechanism at
 * fault. They print ✗ and count as misses; the scorecard test pins this list, so a model change
 * that fixes or breaks a cell shows (and updates the list in the same commit). Key: `host/column/stress`.
 */
export const KNOWN_MISSES: Record<string, string> = {};
