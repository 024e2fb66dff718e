/**
 * A small deterministic stand-in for the engine, to test pacing, history and persistence apart
 * from the model: every metric is a pure function of the tick and the commands applied.
 */
import type { Command, Scenario } from '../../../shared/commands.js';
import { HOST_METRICS, VPS_METRICS, type Frame } from '../../../shared/model.js';
import type { AppliedCommand, Engine, EngineState } from '../../../server/sim/api.js';
import type { EngineFactory } from '../../../server/lab/engines.js';

interface FakeState {
  tick: number;
  scenario: Scenario;
  mode: Scenario['mode'];
  cpu: Record<string, number>;
  log: AppliedCommand[];
}

export class FakeEngine implements Engine {
  failAt = -1;
  constructor(private s: FakeState) {}

  get tick(): number {
    return this.s.tick;
  }
  get tickMs(): number {
    return this.s.scenario.tickMs ?? 100;
  }
  apply(cmd: Command) {
    if ('vps' in cmd && typeof cmd.vps === 'string' && !(cmd.vps in this.s.cpu))
      return {
        ok: false as const,
        error: { code: 'UNKNOWN_VPS' as const, message: `unknown VPS "${cmd.vps}"`, path: 'vps' },
      };
    if (cmd.type === 'setLoad' && cmd.load.cpu !== undefined) this.s.cpu[cmd.vps] = cmd.load.cpu;
    if (cmd.type === 'setMode') this.s.mode = cmd.mode;
    if (cmd.type === 'addVps') this.s.cpu[cmd.vps.id] = cmd.vps.load?.cpu ?? 0.5;
    if (cmd.type === 'removeVps') delete this.s.cpu[cmd.vps];
    this.s.log.push({ tick: this.s.tick, command: cmd });
    return { ok: true as const };
  }
  step(): Frame {
    if (this.s.tick === this.failAt) {
      this.failAt = -1;
      throw new Error('boom');
    }
    const tick = this.s.tick++;
    const host = Object.fromEntries(HOST_METRICS.map((m, i) => [m, (tick % 7) / 7 + i])) as Frame['host'];
    const vps = Object.entries(this.s.cpu).map(([id, cpu], v) => {
      const m = { id, state: 'running' } as Frame['vps'][number];
      VPS_METRICS.forEach((name, i) => (m[name] = cpu * (1 + i) + ((tick * (v + 1)) % 11) / 100));
      return m;
    });
    return { tick, t: ((tick + 1) * this.tickMs) / 1000, host, vps, attribution: [] };
  }
  state(): EngineState {
    const sc = this.s.scenario;
    return {
      name: sc.name,
      tick: this.s.tick,
      tickMs: this.tickMs,
      mode: this.s.mode,
      host: { cores: 16, ramGiB: 64, diskIops: 1e5, netMbps: 1e4, memBwGBs: 100 },
      vps: [],
      faults: [],
      hostFaults: [],
    };
  }
  log() {
    return this.s.log;
  }
  takeEvents() {
    return [];
  }
  save(): unknown {
    return JSON.parse(JSON.stringify(this.s));
  }
}

export const fakeEngines: EngineFactory = {
  async create(scenario, mode) {
    const cpu = Object.fromEntries(scenario.vps.map((v) => [v.id, v.load?.cpu ?? 0.5]));
    return {
      ok: true,
      data: new FakeEngine({ tick: 0, scenario, mode: mode ?? scenario.mode, cpu, log: [] }),
    };
  },
  async restore(snapshot) {
    return { ok: true, data: new FakeEngine(JSON.parse(JSON.stringify(snapshot)) as FakeState) };
  },
};

export function fakeScenario(n = 3): Scenario {
  return {
    name: 'fake',
    seed: 1,
    tickMs: 100,
    mode: 'para',
    vps: Array.from({ length: n }, (_, i) => ({
      id: `vps-${i}`,
      vcpus: 2,
      ramGiB: 4,
      diskIops: 1000,
      netMbps: 100,
      load: { cpu: 0.5 },
    })),
  };
}
