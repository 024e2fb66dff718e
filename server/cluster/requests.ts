/**
 * Requests from one process to another over Redis pub/sub: each process listens on its own
 * channel; a request names its kind and carries JSON, the answer (JSON text, or null for "not
 * mine") comes back on the asker's channel. Used to reach a lab's owner (found from its lease)
 * without waiting on every other process.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { PREFIX } from './keys.js';

const channel = (process: string) => `${PREFIX}rpc:${process}`;

interface Request {
  from: string;
  id: number;
  kind: string;
  payload: unknown;
}
interface Answer {
  id: number;
  answer: string | null;
}

/** What `ask` resolves with when the request reached no process. */
export const NOBODY = Symbol('nobody');
/** What `ask` resolves with when the request went out but no answer came back in time. */
export const NO_ANSWER = Symbol('no answer');

export type Handler = (kind: string, payload: unknown) => Promise<string | null>;

export class Requests {
  private readonly sub: Redis;
  private readonly waiting = new Map<number, (answer: string | null | typeof NO_ANSWER) => void>();
  private next = 1;

  constructor(
    private readonly redis: Redis,
    private readonly me: string,
    handler: Handler,
    logger: Logger,
  ) {
    this.sub = redis.duplicate();
    this.sub.on('error', () => undefined);
    void this.sub
      .subscribe(channel(me))
      .catch((err: unknown) => logger.warn({ err }, 'could not listen for requests'));
    this.sub.on('message', (_ch: string, text: string) => {
      let msg: Partial<Request & Answer>;
      try {
        msg = JSON.parse(text) as Partial<Request & Answer>;
      } catch {
        return;
      }
      if (typeof msg.id !== 'number') return;
      if (typeof msg.from === 'string' && typeof msg.kind === 'string') {
        const { from, id } = msg;
        handler(msg.kind, msg.payload)
          .catch((err: unknown) => {
            logger.error({ err, kind: msg.kind }, 'error answering another process');
            return null;
          })
          .then((answer) =>
            this.redis.publish(channel(from), JSON.stringify({ id, answer } satisfies Answer)),
          )
          .catch(() => undefined);
      } else if ('answer' in msg) {
        this.waiting.get(msg.id)?.(typeof msg.answer === 'string' ? msg.answer : null);
      }
    });
  }

  /**
   * Ask process `to`; resolves with its answer (null: "not mine"), NO_ANSWER after `ms` without
   * one, or NOBODY at once when no process listens on its channel (it is gone: the request
   * reached nobody, so nothing was done for it).
   */
  ask(
    to: string,
    kind: string,
    payload: unknown,
    ms: number,
  ): Promise<string | null | typeof NOBODY | typeof NO_ANSWER> {
    const id = this.next++;
    return new Promise((resolve) => {
      const done = (answer: string | null | typeof NO_ANSWER) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(answer);
      };
      const timer = setTimeout(() => done(NO_ANSWER), ms);
      this.waiting.set(id, done);
      const req: Request = { from: this.me, id, kind, payload };
      this.redis.publish(channel(to), JSON.stringify(req)).then(
        (receivers) => {
          if (receivers > 0) return;
          clearTimeout(timer);
          this.waiting.delete(id);
          resolve(NOBODY);
        },
        () => done(NO_ANSWER),
      );
    });
  }

  close(): void {
    for (const done of this.waiting.values()) done(NO_ANSWER);
    this.sub.disconnect();
  }
}
