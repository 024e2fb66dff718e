/**
 * A record the store took but did not confirm within its bound (a cluster's Redis that stopped
 * answering, its connection open): the answer to the command is given without waiting for it, and
 * the write goes on (`later`), so the record is saved once the store answers, or lost (another
 * process took the lab over meanwhile, or this one stopped).
 */

export class SavePending extends Error {
  readonly code = 'SAVE_PENDING';
  constructor(
    message: string,
    /** The write itself: settles once the store answers. */
    readonly later: Promise<void>,
  ) {
    super(message);
    this.name = 'SavePending';
  }
}

/** `write`, or a rejection with SavePending saying `why` once it took longer than `ms`. */
export function bounded(write: Promise<void>, ms: number, why: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SavePending(why, write)), ms);
  });
  return Promise.race([write, late]).finally(() => clearTimeout(timer));
}

/**
 * After an answer that said some of `saving` were not saved yet: `saved` once every one of them
 * landed, `lost` (with the reason) once one failed.
 */
export function whenLanded(
  saving: readonly Promise<void>[],
  saved: () => void,
  lost: (err: unknown) => void,
): void {
  const landed = saving.map((s) =>
    s.catch((err: unknown) => (err instanceof SavePending ? err.later : Promise.reject(err as Error))),
  );
  Promise.all(landed).then(saved, lost);
}
