/**
 * Output of a run, written from one tick's columns (`export/columns.ts`): CSV rows (`export/csv.ts`),
 * frame JSON (`export/json.ts`), the mode each tick ran under (`export/modes.ts`) and the streaming run summary (`export/summary.ts`); units of every
 * exported metric in `export/units.ts`.
 */
export { TickColumns, frameColumns, readEngineTick } from './export/columns.js';
export {
  CSV_HOST_COLUMNS,
  CSV_VPS_COLUMNS,
  CsvRowWriter,
  csvHeader,
  formatNumber,
  frameCsvRows,
  modeCell,
  toCsv,
} from './export/csv.js';
export { JsonFrameWriter } from './export/json.js';
export { ModeTimeline, ModeTrack, modeStory, type ModeSwitch } from './export/modes.js';
export {
  SummaryAccumulator,
  summarize,
  type RunSummary,
  type SummaryOptions,
  type VpsSummary,
} from './export/summary.js';
export { UNITS_MODES, metricUnit, metricsWithoutUnit, type UnitsMode } from './export/units.js';
