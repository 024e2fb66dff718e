/**
 * Parameters that decide a cell: where halving or doubling one moves a cell's category, the
 * reason that parameter is the one that decides it, written per cell (`column/stress`, or `*` for
 * every cell the parameter moves). --sensitivity prints these beside each flip; a verdict that
 * flips without one is reported as unexplained.
 */
const OUTAGE_LENGTH =
  'DNR is a silence of at least the client timeout ([M07]: the benchmark gave up on the guest), so an outage shorter than the timeout reads as a loss and a longer one as DNR: the outage length against the timeout decides the cell';
const QUOTA_HEADROOM =
  "a fixed quota isolates the grant, not its efficiency: at half the CPU efficiency (or twice the CPU per I/O) a guest's quota barely carries its own web load, so the few percent a misbehaving neighbour adds through the shared cache and memory bandwidth (§6) or the shared device tips it into a backlog";
const CFS_WAIT =
  "the neighbours' p99 rise under a hog is the scheduler wait (§3, slice/2 per runnable entity ahead); the cell's visible-rise demand (×1.25) sits close to the model's rise on the paper's host, so the slice, and the other stages' share of the latency (the device, the network and, on a shared kernel, the journal's commit), decide whether the rise is visible";
const DOM0_THROUGHPUT =
  "Dom0's CPU per op decides how much of a storming guest's I/O Dom0 passes to the device (§5): dearer ops leave the storm less of Dom0 after the neighbours' fair shares, so the device is less busy and the neighbours' loss falls below 1 %";

const DOM0_SHORT =
  "Dom0 is a scheduling entity beside the guests (§5): at twice the CPU per op the guests' own I/O asks more of Dom0 than a fair share of its vCPUs gives even before any stress (on the modern host 1.3 of 1 core per guest), so anything else that asks Dom0 for work, or takes the host's CPU from it (a storm, a hog, a fork bomb), cuts every guest's I/O, and the baseline's Dom0 queueing swamps the p99 rise a hog adds";
const STORM_REACH =
  "the model applies a mode's random-I/O efficiency to what each guest is served, so it sets how hard a storming guest reaches the shared device: at half of it a storming container pushes half the ops into the shared queue, at twice a VM's a storming VM pushes as hard as a container; the storm cells are decided by that reach";

const JOURNAL_TAIL =
  "with limits a storm costs a neighbour what its durable writes wait in the one journal for the storm's writeback chunk, dispatched at the storm's io.max (journal.ts): an exponential wait with a mean of one chunk, so the chunk against the SLO decides the share of those writes past it. At half the chunk (or twice the SLO) the tail past the SLO holds under 1 % of the requests, and the cell reads ≈0";
const HOG_SLO =
  "beside a hog (a fork bomb is one to its neighbours) a para neighbour's requests carry the run-queue wait of every wake-up on their path (§3: the guest's and Dom0's backends', about 130 ms on the paper's host, where [B03] measured 147 ms); under §7's exponential response time the share past the SLO is e^(−SLO/W): about 0.1 % at the default 1 s ([M07]: 0.01 %), over 1 % at 500 ms, so a halved SLO carries the hog's latency cost across the 1 % edge";
const HOG_SLICE =
  "beside a hog (a fork bomb is one to its neighbours) a para neighbour's requests wait at every wake-up for what is left of the hog's slice (§3), so the wait they carry (about 130 ms per request on the paper's host at 30 ms) grows with the slice; under §7's exponential response time the share past a 1 s SLO grows as e^(−SLO/W), from about 0.1 % to over 1 % at a 60 ms slice, so a doubled slice carries the hog's latency cost across the 1 % edge";

export const DECIDING_PARAMS: Record<string, Record<string, string>> = {
  clientTimeoutMs: { '*': OUTAGE_LENGTH },
  writebackChunkS: { 'containerLimits/io_storm': JOURNAL_TAIL },
  sloMs: { 'containerLimits/io_storm': JOURNAL_TAIL, 'para/cpu_hog': HOG_SLO, 'para/fork_bomb': HOG_SLO },
  dom0RestartS: { '*': OUTAGE_LENGTH },
  rebootS: { '*': OUTAGE_LENGTH },
  hostOsRebootS: { '*': OUTAGE_LENGTH },
  oomRestartS: { '*': OUTAGE_LENGTH },
  oomLivelockS: { '*': OUTAGE_LENGTH },
  stageSlots: {
    '*': "the worker slots bound a saturated stage (M/M/1/K, §7): with fewer, a neighbour's requests waiting at the device the storm keeps busy overflow sooner and are lost, so the storm's queueing cost to the neighbours crosses a category edge",
  },
  eCpuFull: { '*': QUOTA_HEADROOM },
  eCpuHosted: { '*': QUOTA_HEADROOM },
  ioCpuFull: { '*': QUOTA_HEADROOM },
  ioCpuHosted: { '*': QUOTA_HEADROOM },
  eCpuPara: {
    '*': "a para guest's CPU efficiency sets how much of its grant is left for its own I/O path beside its web load; at half of it the neighbours run near their own limit, so the storm's extra device queueing pushes them into a backlog",
  },
  eDiskHosted: {
    'hosted/io_storm':
      "the hosted ≈0 storm cell rests on the type-2 VMM's low random-I/O efficiency (0.47): a storming guest reaches the shared disk at under half its plan; at twice the efficiency it reaches it as hard as a container does, and the neighbours see the device's queueing",
  },
  diskOpCpuS: { '*': DOM0_SHORT },
  dom0IoFactor: { 'para/io_storm': DOM0_THROUGHPUT, '*': DOM0_SHORT },
  eDiskFull: { '*': STORM_REACH },
  eDiskContainer: { '*': STORM_REACH },
  eDiskPara: { '*': STORM_REACH },
  sliceVcpuMs: { '*': CFS_WAIT },
  ioCpuPara: { 'para/cpu_hog': CFS_WAIT },
  sliceDomainMs: { '*': CFS_WAIT, 'para/cpu_hog': HOG_SLICE, 'para/fork_bomb': HOG_SLICE },
  diskStageMs: { '*': CFS_WAIT },
  cpuStageMs: { '*': CFS_WAIT },
  ioCpuContainer: {
    '*': "the CPU a container spends per Mbit decides whether the flooder can fill the NIC at all (the setup condition follows it): at twice the cost a flooder with the host's cores cannot, and the neighbours' queue stays short",
  },
  netMbitCpu: {
    '*': 'the CPU per Mbit decides whether the flooder can fill the NIC at all (the setup condition follows it), and how much Dom0 spends on a neighbour’s own traffic under para',
  },
};
