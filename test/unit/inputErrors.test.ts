import { describe, expect, it } from 'vitest';
import { parseCommand, parseInput, parseScenario } from '../../shared/commands.js';
import { CsvQuerySchema, HistoryQuerySchema, parseCommandBody } from '../../shared/inbound.js';

const vps = { id: 'a', vcpus: 1, ramGiB: 1, diskIops: 1, netMbps: 1 };
const scenario = { name: 's', mode: 'para', vps: [vps] };

function failure(r: { ok: boolean; error?: { path: string; message: string } }) {
  expect(r.ok).toBe(false);
  return r.error!;
}

describe('an input error names the field', () => {
  it('an unknown field is named in the path, wherever it is', () => {
    expect(failure(parseCommand({ type: 'removeVps', vps: 'a', extra: 1 }))).toEqual(
      expect.objectContaining({ path: 'extra', message: 'extra: unknown field' }),
    );
    const nested = failure(parseScenario({ ...scenario, vps: [{ ...vps, ramMiB: 1024 }] }));
    expect(nested.path).toBe('vps[0].ramMiB');
    const two = failure(parseScenario({ ...scenario, host: { cores: 2, ram: 1, disk: 2 } }));
    expect(two.path).toBe('host.ram');
    expect(two.message).toBe('host.ram: unknown fields ram, disk');
    const inBatch = failure(
      parseCommandBody([
        { type: 'removeVps', vps: 'a' },
        { type: 'removeVps', vps: 'a', x: 1 },
      ]),
    );
    expect(inBatch.path).toBe('commands[1].x');
  });

  it('a whole number far out of range is told the field’s own bound, not the safe-integer one', () => {
    const vcpus = failure(parseCommand({ type: 'resizeVps', vps: 'a', plan: { vcpus: 1e20 } }));
    expect(vcpus).toEqual({
      code: 'INVALID_INPUT',
      path: 'plan.vcpus',
      message: 'plan.vcpus: Too big: expected number to be <=256',
    });
    const weight = failure(parseCommand({ type: 'resizeVps', vps: 'a', plan: { weight: -1e300 } }));
    expect(weight.message).toBe('plan.weight: Too small: expected number to be >=1');
  });

  it('a number in a URL past its bound is told the bound, however many digits it has', () => {
    const history = (q: Record<string, string>) => failure(parseInput(HistoryQuerySchema, q));
    expect(history({ points: '99999999999' }).message).toBe('points: Too big: expected number to be <=2000');
    expect(history({ points: '9'.repeat(400) }).message).toBe(
      'points: Too big: expected number to be <=2000',
    );
    expect(history({ windowS: '10000000000' }).message).toBe(
      'windowS: Too big: expected number to be <=604800',
    );
    expect(failure(parseInput(CsvQuerySchema, { from: '1'.repeat(20) })).message).toBe(
      'from: Too big: expected int to be <=9007199254740991',
    );
    // Not a number at all is still said so.
    expect(history({ points: '12a' }).message).toBe('points: expected a whole number of points');
    // And one within its bounds is read.
    expect(parseInput(HistoryQuerySchema, { points: '2000', from: '123456789012', windowS: '60.5' })).toEqual(
      {
        ok: true,
        data: { points: 2000, from: 123456789012, windowS: 60.5 },
      },
    );
  });

  it('a mode that matches no form says what a mode may be, or which of its fields is wrong', () => {
    const name = failure(parseScenario({ ...scenario, mode: 'fuul' }));
    expect(name.path).toBe('mode');
    expect(name.message).toMatch(/^mode: .*"full".*"para".*"container".*"hosted"/);
    const number = failure(parseScenario({ ...scenario, mode: 5 }));
    expect(number.message).toMatch(/"full"/);
    const base = failure(parseScenario({ ...scenario, mode: { base: 'x' } }));
    expect(base.path).toBe('mode.base');
    expect(base.message).toMatch(/"para"/);
    const field = failure(parseScenario({ ...scenario, mode: { base: 'para', dom0Vcpus: 'two' } }));
    expect(field.path).toBe('mode.dom0Vcpus');
    expect(field.message).toMatch(/expected number/);
    const unknown = failure(parseCommand({ type: 'setMode', mode: { base: 'para', bogus: true } }));
    expect(unknown.path).toBe('mode.bogus');
  });

  it('an unknown field of a scenario event is named, not dropped', () => {
    // A misspelt `durationS` would otherwise leave the fault running for the whole run.
    const typo = failure(
      parseScenario({
        ...scenario,
        events: [{ atS: 1, type: 'startFault', vps: 'a', fault: 'cpu_hog', duration: 30 }],
      }),
    );
    expect(typo.path).toBe('events[0].duration');
    expect(typo.message).toBe('events[0].duration: unknown field');
    const later = failure(
      parseScenario({
        ...scenario,
        events: [
          { atTick: 0, type: 'setLoad', vps: 'a', load: { cpu: 1 } },
          { atTick: 5, type: 'hostFault', fault: 'host_reboot', atMs: 500 },
        ],
      }),
    );
    expect(later.path).toBe('events[1].atMs');
    // Its time and its command's own fields are still known.
    expect(
      parseScenario({
        ...scenario,
        events: [{ atS: 1, type: 'startFault', vps: 'a', fault: 'cpu_hog', durationS: 30 }],
      }).ok,
    ).toBe(true);
  });

  it('a parameter named __proto__ is refused as any unknown one, not dropped', () => {
    // JSON.parse keeps "__proto__" as an own key, as a scenario file's text gives it.
    const r = failure(
      parseScenario(JSON.parse(JSON.stringify(scenario).replace('{', '{"params":{"__proto__":1},'))),
    );
    expect(r.path).toBe('params.__proto__');
    expect(r.message).toBe('params.__proto__: unknown parameter "__proto__"');
  });

  it('a missing mode is named, with what it may be', () => {
    const { vps: only } = scenario;
    const r = failure(parseScenario({ name: 's', vps: only }));
    expect(r.path).toBe('mode');
    expect(r.message).not.toBe('mode: Invalid input');
  });
});
