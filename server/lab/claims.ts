/**
 * The ids and names new labs take: free of every lab here (running, being restored, left saved),
 * of those other creations hold while they run, and of labs elsewhere (another process of a
 * cluster). Concurrent creations each pick a different one.
 */
import type { ApiError } from '../../shared/protocol.js';
import { freeId, freeName, idClash } from './naming.js';

/** What claiming needs of its registry. */
export interface ClaimsOf {
  /** Ids of the labs here: running, saved and still being restored, or saved and left on disk. */
  ids(): string[];
  /** Names of the labs running here. */
  names(): string[];
  /** Ids taken elsewhere (by other processes of a cluster). */
  taken?: (id: string) => boolean;
}

/** How a creation takes an id and a name, held until it ends. */
export interface Taking {
  takeId(base: string): string;
  takeName(name: string): string;
}

export class Claims {
  /** Ids and names taken by labs being created. */
  private readonly ids = new Set<string>();
  private readonly names = new Set<string>();

  constructor(private readonly of: ClaimsOf) {}

  /** The refusal of a new lab's id that a lab here, or one being created, holds in any case; else null. */
  clash(id: string): { ok: false; error: ApiError } | null {
    return idClash(id, this.all());
  }

  /**
   * Run a creation (`id`: the id it was given, checked already) with the ids and names it takes
   * held until it ends, so that concurrent ones pick others.
   */
  async during<T>(id: string | undefined, create: (take: Taking) => Promise<T>): Promise<T> {
    const ids: string[] = [];
    const names: string[] = [];
    const hold = (set: Set<string>, list: string[], x: string): string => {
      set.add(x);
      list.push(x);
      return x;
    };
    if (id !== undefined) hold(this.ids, ids, id);
    try {
      return await create({
        takeId: (base) =>
          hold(
            this.ids,
            ids,
            freeId(base, (x) => !idClash(x, this.all()) && !this.of.taken?.(x)),
          ),
        takeName: (name) =>
          hold(this.names, names, freeName(name, new Set([...this.of.names(), ...this.names]))),
      });
    } finally {
      for (const x of ids) this.ids.delete(x);
      for (const x of names) this.names.delete(x);
    }
  }

  private all(): string[] {
    return [...this.of.ids(), ...this.ids];
  }
}
