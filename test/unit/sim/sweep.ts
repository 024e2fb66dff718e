/**
 * Every preset under every mode, and the demo lab with each guest fault on its last VPS and each
 * host fault, frame by frame: what properties that must hold on every tick of every lab run over.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, Scenario } from '../../../shared/commands.js';
import { GUEST_FAULTS, HOST_FAULTS, MODE_IDS, type Frame } from '../../../shared/model.js';
import { createEngine } from '../../../server/sim/index.js';
import { PRESETS_DIR, parseScenarioJson } from '../../../server/scenario.js';

export interface SweepRun {
  label: string;
  /** The command that starts the run's fault (none for a plain preset). */
  fault?: Command;
}

function preset(file: string): Scenario {
  const r = parseScenarioJson(readFileSync(join(PRESETS_DIR, file), 'utf8'));
  if (!r.ok) throw new Error(`${file}: ${r.error.message}`);
  return r.data;
}

/**
 * Runs every lab of the sweep for `ticks` ticks (a fault starts at tick 50 and a guest fault stops
 * at tick 400) and hands each frame to `visit`.
 */
export function sweep(visit: (run: SweepRun, frame: Frame) => void, ticks = 600): number {
  let frames = 0;
  const go = (run: SweepRun, s: Scenario, mode: (typeof MODE_IDS)[number], at: [number, Command][]) => {
    let e;
    try {
      e = createEngine(s, { mode });
    } catch {
      return; // A fixed-quota mode may refuse an oversold preset: nothing runs.
    }
    for (let t = 0; t < ticks; t++) {
      for (const [tick, cmd] of at) if (tick === t) e.apply(cmd);
      visit(run, e.step());
      frames++;
    }
  };
  const files = readdirSync(PRESETS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
  for (const f of files) for (const m of MODE_IDS) go({ label: `${f} ${m}` }, preset(f), m, []);
  const demo = preset('demo.json');
  const id = demo.vps[demo.vps.length - 1].id;
  for (const fault of GUEST_FAULTS)
    for (const m of MODE_IDS) {
      const start: Command = { type: 'startFault', vps: id, fault };
      go({ label: `demo ${fault}@${id} ${m}`, fault: start }, demo, m, [
        [50, start],
        [400, { type: 'stopFault', vps: id, fault }],
      ]);
    }
  for (const fault of HOST_FAULTS)
    for (const m of MODE_IDS) {
      const start: Command = { type: 'hostFault', fault, durationS: 20 };
      go({ label: `demo ${fault} ${m}`, fault: start }, demo, m, [[50, start]]);
    }
  return frames;
}
