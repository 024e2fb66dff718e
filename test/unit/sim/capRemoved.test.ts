/**
 * A VPS's CPU cap can be taken away live (`resizeVps` with `cpuCapCores: null`): the VPS then uses
 * up to its vCPUs again, as one created without a cap does; the command is logged and replays.
 */
import { describe, expect, it } from 'vitest';
import type { Command } from '../../../shared/commands.js';
import { describeCommand } from '../../../shared/events.js';
import { parseCommand } from '../../../shared/commands.js';
import { make, mean, run, scenario, web } from './helpers.js';

const capped = () =>
  make(
    scenario({
      mode: 'full',
      host: { cores: 16, ramGiB: 64, diskIops: 50_000, netMbps: 10_000 },
      vps: [web('a', { cpuCapCores: 1, load: { cpu: 1 } }), web('b')],
    }),
  );
const uncap: Command = { type: 'resizeVps', vps: 'a', plan: { cpuCapCores: null } };

describe('a CPU cap taken away live', () => {
  it('lets the VPS use its vCPUs again, as one never capped', () => {
    const a = capped();
    expect(mean(run(a, 20).slice(10), 'a', 'cpuGranted')).toBeCloseTo(1, 2);
    const r = a.apply(uncap);
    expect(r.ok).toBe(true);
    expect(a.state().vps.find((v) => v.id === 'a')?.cpuCapCores).toBeUndefined();
    expect(mean(run(a, 20).slice(10), 'a', 'cpuGranted')).toBeGreaterThan(3.5);
    expect(a.log().map((e) => e.command)).toEqual([uncap]);
  });

  it('is a command the protocol takes and the log says in words', () => {
    const parsed = parseCommand(JSON.parse(JSON.stringify(uncap)));
    expect(parsed.ok).toBe(true);
    expect(describeCommand(uncap)).toBe('a resized: CPU cap removed');
    expect(describeCommand({ type: 'resizeVps', vps: 'a', plan: { vcpus: 4, cpuCapCores: 2 } })).toBe(
      'a resized: vcpus 4, cpuCapCores 2',
    );
    expect(describeCommand({ type: 'resizeVps', vps: 'a', plan: { vcpus: 2, cpuCapCores: null } })).toBe(
      'a resized: vcpus 2, CPU cap removed',
    );
  });
});
