/**
 * Labs on disk, one folder each under DATA_DIR/labs/<id>/:
 *   meta.json         the starting scenario and modes (written once)
 *   commands.ndjson   every live command, appended as applied ({ seq, tick, by, command })
 *   snapshot.json     the engines' saved state at a tick, with pace and recent log (rewritten)
 * Whole-file writes go to a temporary file first and are renamed into place, so a crash leaves
 * either the old or the new file, never half of one. Writes of one lab are serialized.
 */
import { mkdir, open, readdir, readFile, rename, rm, appendFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ModeSpec, Scenario } from '../../shared/commands.js';
import type { LabEvent } from '../../shared/protocol.js';
import type { CommandRecord } from './lab.js';

export interface LabMeta {
  version: 1;
  id: string;
  scenario: Scenario;
  compare?: [ModeSpec, ModeSpec];
  /** Set on a compare lab forked from a running one: the source's tick. Its snapshot is its start. */
  forkedAt?: number;
  createdAt: string;
}

export interface LabSnapshot {
  /** Engine tick at the time of saving. */
  tick: number;
  /** Last command sequence number included in the engines' state. */
  seq: number;
  engines: unknown[];
  speed: number;
  paused: boolean;
  events: LabEvent[];
  savedAt: string;
}

export interface StoredLab {
  meta: LabMeta;
  snapshot?: LabSnapshot;
  commands: CommandRecord[];
}

export interface Store {
  /** Every lab found on disk; unreadable ones are logged and skipped. */
  load(): Promise<StoredLab[]>;
  create(meta: LabMeta): Promise<void>;
  /** Queue one command for appending (ordered with the lab's other writes). */
  appendCommand(id: string, rec: CommandRecord): void;
  saveSnapshot(id: string, snapshot: LabSnapshot): Promise<void>;
  remove(id: string): Promise<void>;
  /** Wait for every queued write. */
  flush(): Promise<void>;
}

const LAB_DIR = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

/** Write `data` to `file` atomically: a temporary file, flushed to disk, renamed into place. */
export async function writeAtomic(file: string, data: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
}

/** A store in `dataDir` (created if missing). */
export function createFileStore(dataDir: string, logger: Logger): Store {
  const root = path.join(dataDir, 'labs');
  const chains = new Map<string, Promise<void>>();
  const dir = (id: string) => path.join(root, id);

  const enqueue = (id: string, job: () => Promise<void>): Promise<void> => {
    const prev = chains.get(id) ?? Promise.resolve();
    const next = prev.then(job).catch((err) => logger.error({ err, lab: id }, 'could not write lab data'));
    chains.set(id, next);
    void next.then(() => {
      if (chains.get(id) === next) chains.delete(id);
    });
    return next;
  };

  return {
    async load() {
      await mkdir(root, { recursive: true });
      const out: StoredLab[] = [];
      for (const name of (await readdir(root)).sort()) {
        if (!LAB_DIR.test(name)) continue;
        try {
          const meta = JSON.parse(await readFile(path.join(dir(name), 'meta.json'), 'utf8')) as LabMeta;
          if (meta.version !== 1 || meta.id !== name) throw new Error('meta.json does not describe this lab');
          let snapshot: LabSnapshot | undefined;
          try {
            snapshot = JSON.parse(
              await readFile(path.join(dir(name), 'snapshot.json'), 'utf8'),
            ) as LabSnapshot;
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
          }
          const commands: CommandRecord[] = [];
          let text = '';
          try {
            text = await readFile(path.join(dir(name), 'commands.ndjson'), 'utf8');
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
          }
          for (const line of text.split('\n')) {
            if (!line.trim()) continue;
            try {
              commands.push(JSON.parse(line) as CommandRecord);
            } catch {
              logger.warn({ lab: name }, 'ignored a torn line at the end of the command log');
            }
          }
          out.push({ meta, snapshot, commands });
        } catch (err) {
          logger.error({ err, lab: name }, 'could not read a saved lab; it is left on disk and not started');
        }
      }
      return out;
    },
    create(meta) {
      return enqueue(meta.id, async () => {
        await mkdir(dir(meta.id), { recursive: true });
        await writeAtomic(path.join(dir(meta.id), 'meta.json'), JSON.stringify(meta));
      });
    },
    appendCommand(id, rec) {
      void enqueue(id, () => appendFile(path.join(dir(id), 'commands.ndjson'), JSON.stringify(rec) + '\n'));
    },
    saveSnapshot(id, snapshot) {
      const text = JSON.stringify(snapshot);
      return enqueue(id, () => writeAtomic(path.join(dir(id), 'snapshot.json'), text));
    },
    remove(id) {
      return enqueue(id, () => rm(dir(id), { recursive: true, force: true }));
    },
    async flush() {
      while (chains.size) await Promise.all([...chains.values()]);
    },
  };
}
