/**
 * A file that keeps failing to be written is said once when it starts, as a warning with the count
 * at most every reminder interval while it lasts, and once when it is written again; each other
 * file of each lab on its own.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { WriteFailures } from '../../../server/lab/writeFailures.js';

describe('WriteFailures', () => {
  it('says a failing file once, reminds at most every interval with the count, and says when it works again', () => {
    const lines: { level: number; msg: string; file?: string; failures?: number }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    let now = 0;
    const w = new WriteFailures(logger, 60_000, () => now);
    const enospc = Object.assign(new Error('no space'), { code: 'ENOSPC' });
    for (; now < 125_000; now += 1000) w.failed('a', 'commands.ndjson', enospc);
    w.failed('a', 'snapshot.json', enospc);
    w.wrote('b', 'commands.ndjson');
    w.wrote('a', 'commands.ndjson');
    w.wrote('a', 'commands.ndjson');
    expect(lines.map((l) => [l.level, l.msg, l.file, l.failures])).toEqual([
      [50, 'could not write lab data', 'commands.ndjson', undefined],
      [40, 'lab data still cannot be written', 'commands.ndjson', 61],
      [40, 'lab data still cannot be written', 'commands.ndjson', 121],
      [50, 'could not write lab data', 'snapshot.json', undefined],
      [30, 'lab data written again', 'commands.ndjson', 125],
    ]);
    // Written again, a new failure is said again.
    w.failed('a', 'commands.ndjson', enospc);
    expect(lines.at(-1)!.msg).toBe('could not write lab data');
  });
});
