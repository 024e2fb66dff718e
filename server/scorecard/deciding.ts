/**
 * Parameters that decide a cell: where halving or doubling one moves a cell's category, the
 * reason that parameter is the one that decides it, written per cell (`column/stress`, or `*` for
 * every cell the parameter moves). --sensitivity prints these beside each flip.
 */
export const DECIDING_PARAMS: Record<string, Record<string, string>> = {
  clientTimeoutMs: {
    '*': 'the client timeout is the definition of DNR ([M07]: the benchmark gave up on a guest): an outage shorter than it reads as a loss, a longer one as DNR',
  },
};
