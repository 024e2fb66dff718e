/**
 * In a cluster the broadcaster records how far a lab has stepped before it publishes the frames of
 * that far (a process taking the lab over resumes after them); alone, it sends nothing to an empty room.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../shared/model.js';
import type { Lab, LabBroadcast } from '../../../server/lab/lab.js';
import { encodeFrameMessage } from '../../../shared/wireFrame.js';
import { Broadcaster, type TickRecorder } from '../../../server/net/broadcast.js';
import { Holding } from '../../../server/lab/holding.js';
import { fakeEngines, fakeScenario } from './fakeEngine.js';

/** Real frames of ticks 0…n-1, from the test engine. */
async function framesUpTo(n: number): Promise<Frame[]> {
  const r = await fakeEngines.create(fakeScenario(2), 'full');
  if (!r.ok) throw new Error(r.error.message);
  return Array.from({ length: n }, () => r.data.step());
}
const FRAMES = await framesUpTo(50);

function broadcastOf(frame: Frame): LabBroadcast {
  const message = () => encodeFrameMessage('a', [frame]);
  return {
    tick: frame.tick,
    frames: () => [frame],
    message,
    lend: () => ({ message: message(), release: () => undefined }),
  };
}

function fakes(viewers: number) {
  const seen: string[] = [];
  const emitter = { emit: (ev: string) => void seen.push(`emit ${ev}`) };
  const chain = { ...emitter, except: () => chain, volatile: emitter };
  const io = {
    to: () => chain,
    sockets: { adapter: { rooms: new Map(viewers ? [['lab:a', new Set(['s1'])]] : []) } },
  };
  let onBroadcast: (b: LabBroadcast) => void = () => undefined;
  const lab = {
    id: 'a',
    onBroadcast: (fn: typeof onBroadcast) => ((onBroadcast = fn), () => true),
    onReset: () => () => true,
    onEvent: () => () => true,
    holding: new Holding(),
  };
  return {
    seen,
    io,
    lab: lab as unknown as Lab,
    frames: (tick: number) => onBroadcast(broadcastOf(FRAMES[tick])),
  };
}

describe('Broadcaster', () => {
  it('in a cluster, records the ticks computed before the frames go out, even with no local viewer', () => {
    const f = fakes(0);
    const rec: TickRecorder = { reached: (id, ticks) => void f.seen.push(`reached ${id} ${ticks}`) };
    new Broadcaster(f.io as never, rec).attach(f.lab);
    f.frames(41);
    f.frames(42);
    expect(f.seen).toEqual(['reached a 42', 'emit frame', 'reached a 43', 'emit frame']);
  });

  it('alone, sends frames only to a room with viewers', () => {
    const empty = fakes(0);
    new Broadcaster(empty.io as never).attach(empty.lab);
    empty.frames(1);
    expect(empty.seen).toEqual([]);
    const watched = fakes(1);
    new Broadcaster(watched.io as never).attach(watched.lab);
    watched.frames(1);
    expect(watched.seen).toEqual(['emit frame']);
  });
});
