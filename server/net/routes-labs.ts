/**
 * REST for labs: list, create, inspect, delete, steer (commands and clock), and take data out
 * (metrics CSV from history, downsampled history, the recorded session as a scenario).
 */
import { Router, type Request, type Response, type NextFunction } from 'express';
import { HOST_METRICS, VPS_METRICS } from '../../shared/model.js';
import { csvFileName, scenarioFileName } from '../../shared/files.js';
import { ModeTimeline, csvHeader, frameCsvRows } from '../export.js';
import { scenarioFromLog } from '../scenario.js';
import type { Config } from '../config.js';
import type { Clock } from '../lab/clock.js';
import type { Lab } from '../lab/lab.js';
import type { Registry } from '../lab/registry.js';
import { bearer, canControl, controlRefused } from './auth.js';
import { apiError, noQuery, parseQuery, sendAck, sendData, sendError } from './errors.js';
import { KeyedBuckets } from './rate.js';
import { csvValues, ExportBudget, historyValues } from './exports.js';
import { MAX_DURATION_S, parseInput } from '../../shared/commands.js';
import {
  ClockActionSchema,
  CsvQuerySchema,
  DeleteSchema,
  HistoryQuerySchema,
  MAX_BATCH,
  ResetSchema,
  ScenarioQuerySchema,
  parseCommandBody,
} from '../../shared/inbound.js';
import { readNewLab } from './newLab.js';
import { readRequestId } from './requestId.js';
import { fitName } from '../lab/naming.js';
import { maxPoints, MAX_SERIES_POINTS } from '../../shared/historyLimit.js';
import { historyAnswer } from './historyAnswer.js';
import { sendPieces } from './piecedJson.js';
import { limitKey } from './clientAddress.js';

export interface LabRoutesDeps {
  registry: Registry;
  config: Config;
  clock: Clock;
  /** How many connections watch a lab. */
  viewers: (id: string) => number;
}

type LabRequest = Request<{ id: string }>;

/** CSV rows written at once before the server turns to other work (a few tens of ms at most). */
const CSV_PIECE_ROWS = 1000;

export { REQUEST_ID_HEADER } from './requestId.js';

/** The request id a request carries, checked (undefined: none; null: refused, answered here). */
function requestIdOf(req: Request, res: Response): string | undefined | null {
  const id = readRequestId(req);
  if (id.ok) return id.id;
  sendError(res, id.error);
  return null;
}

export function labRoutes({ registry, config, clock, viewers }: LabRoutesDeps): Router {
  const r = Router();
  const burst = Math.max(2, config.commandRate * 2);
  const writes = new KeyedBuckets(config.commandRate, burst);
  const exported = new ExportBudget(config.exportRate);
  /** Whether `values` fit in the address's export budget (else it was told so). */
  const exportable = (req: Request, res: Response, values: number): boolean => {
    const refused = exported.take(limitKey(req.ip), clock.now(), values);
    if (!refused) return true;
    res.setHeader('Retry-After', String(refused.retryS));
    sendError(res, refused.error);
    return false;
  };

  /** Changing anything needs the token (when one is set). */
  const control = (req: Request, res: Response, next: NextFunction) => {
    const token = bearer(req.headers.authorization);
    if (!canControl(config, token))
      return sendError(res, controlRefused(token, ' (Authorization: Bearer …)'));
    next();
  };
  /** Steering a lab stays within the command rate, per client address: each command of a batch counts. */
  const rate = (req: Request, res: Response, next: NextFunction) => {
    // (A batch over MAX_BATCH is refused as invalid, below, without taking tokens.)
    const n = Array.isArray(req.body) && req.body.length <= MAX_BATCH ? Math.max(1, req.body.length) : 1;
    if (!writes.take(limitKey(req.ip), clock.now(), n))
      return sendError(
        res,
        apiError(
          'RATE_LIMITED',
          `at most ${config.commandRate} commands per second (bursts of ${burst}); this request carries ${n}`,
        ),
      );
    next();
  };

  const lab = (req: LabRequest, res: Response): Lab | undefined => {
    const found = registry.get(req.params.id);
    if (found) return found;
    const id = String(req.params.id).slice(0, 64);
    if (registry.isRestoring(id))
      sendError(
        res,
        apiError('RESTORING', `lab "${id}" is being restored after a restart; ask again in a moment`, 'lab'),
      );
    else sendError(res, apiError('UNKNOWN_LAB', `no lab "${id}"`, 'lab'));
    return undefined;
  };

  // Every route refuses a query parameter it does not read (noQuery: those that read none).
  r.get('/labs', noQuery, (_req, res) => {
    sendData(
      res,
      registry.list().map((l) => l.summary(viewers(l.id))),
    );
  });

  r.post('/labs', noQuery, control, async (req, res) => {
    const body = readNewLab(req.body, config.maxVpsPerLab);
    if (!body.ok) return sendError(res, body.error);
    const made = await registry.create(body.data);
    if (!made.ok) return sendError(res, made.error);
    const l = made.data;
    res.location(`/api/labs/${l.id}`);
    sendData(res, l.summary(viewers(l.id)), 201);
  });

  r.get('/labs/:id', noQuery, (req: LabRequest, res) => {
    const l = lab(req, res);
    if (l) sendData(res, { ...l.state(), viewers: viewers(l.id) });
  });

  r.delete('/labs/:id', noQuery, control, async (req: LabRequest, res) => {
    // An option sent (`keepData`) is refused, named, rather than the lab deleted regardless.
    const body = parseInput(DeleteSchema, req.body ?? {});
    if (!body.ok) return sendError(res, body.error);
    if (lab(req, res)) sendAck(res, await registry.remove(req.params.id));
  });

  /** Back to the scenario's start (the page opens on a known lab again). */
  r.post('/labs/:id/reset', noQuery, control, rate, async (req: LabRequest, res) => {
    const body = parseInput(ResetSchema, req.body ?? {});
    if (!body.ok) return sendError(res, body.error);
    if (lab(req, res)) sendAck(res, await registry.reset(req.params.id, 'rest'));
  });

  r.post('/labs/:id/commands', noQuery, control, rate, async (req: LabRequest, res) => {
    const l = lab(req, res);
    if (!l) return;
    const body = parseCommandBody(req.body);
    if (!body.ok) return sendError(res, body.error);
    const rid = requestIdOf(req, res);
    if (rid === null) return;
    const { commands, batch } = body.data;
    // All or nothing: the whole batch is checked against the lab's state before any of it
    // applies (one answer, the tick it applied at); a refusal names `commands[i].field` and
    // nothing changes.
    sendAck(
      res,
      batch ? await l.submitBatch(commands, 'rest', rid) : await l.submit(commands[0], 'rest', rid),
    );
  });

  r.post('/labs/:id/clock', noQuery, control, rate, async (req: LabRequest, res) => {
    const l = lab(req, res);
    if (!l) return;
    const action = parseInput(ClockActionSchema, req.body);
    if (!action.ok) return sendError(res, action.error);
    const rid = requestIdOf(req, res);
    if (rid === null) return;
    sendAck(res, await l.clock(action.data, 'rest', rid));
  });

  r.get('/labs/:id/events', noQuery, (req: LabRequest, res) => {
    const l = lab(req, res);
    if (l) sendData(res, l.recentEvents());
  });

  r.get('/labs/:id/metrics.csv', async (req: LabRequest, res) => {
    const l = lab(req, res);
    if (!l) return;
    const q = parseQuery(CsvQuerySchema, req.query);
    if (!q.ok) return sendError(res, q.error);
    const { from = 0, to = Number.MAX_SAFE_INTEGER } = q.data;
    const first = Math.max(from, l.history.firstTick ?? 0);
    const last = Math.min(to, l.history.lastTick ?? -1);
    const vpsRows = l.engines.reduce((n, e) => n + e.state().vps.length, 0);
    if (!exportable(req, res, csvValues(Math.max(0, last - first + 1) * vpsRows))) return;
    res.type('text/csv').attachment(csvFileName(l.id));
    // A compare lab's rows say the mode each side ran each tick under; before a fork, both sides
    // are the source's one past (the same frames): its rows once, in the source's mode.
    const modes = l.compare
      ? l.engines.map((e, side) => new ModeTimeline(registry.startScenario(l, side ? 1 : 0).mode, e.log()))
      : undefined;
    const shared = registry.forkedAt(l) ?? 0;
    res.write(csvHeader({ mode: modes !== undefined }));
    // Stream in pieces of about CSV_PIECE_ROWS rows (as many ticks as hold that many, from the
    // piece before), respecting back-pressure and turning to other work between pieces: a long
    // history never sits in one string, and a big lab's download never stops the other labs' ticks.
    // The range's ticks are held from the start: those the lab's ring drops meanwhile are written too.
    const held = l.history.hold(first, last);
    try {
      let ticks = 1;
      for (let i = 0; i < held.count;) {
        const pairs = held.frames(i, i + ticks);
        i += ticks;
        let chunk = '';
        let rows = 0;
        for (const frames of pairs)
          frames.forEach((f, side) => {
            if (side > 0 && f.tick < shared) return;
            chunk += frameCsvRows(f, modes?.[side].at(f.tick));
            rows += f.vps.length;
          });
        // A client that goes while its writes back up never drains: its going ends the wait too.
        if (!res.write(chunk))
          await new Promise<void>((go) => {
            const on = () => {
              res.off('drain', on).off('close', on);
              go();
            };
            res.once('drain', on).once('close', on);
          });
        // A socket that drains at once says so on the next tick: turn to the event loop regardless.
        await new Promise((go) => setImmediate(go));
        if (res.destroyed) return;
        ticks = Math.max(1, Math.floor((CSV_PIECE_ROWS * Math.max(1, pairs.length)) / Math.max(1, rows)));
      }
    } finally {
      held.release();
    }
    res.end();
  });

  r.get('/labs/:id/history', async (req: LabRequest, res) => {
    const l = lab(req, res);
    if (!l) return;
    const q = parseQuery(HistoryQuerySchema, req.query);
    if (!q.ok) return sendError(res, q.error);
    const side = pickSide(l, q.data.side, res);
    if (side === undefined) return;
    const last = l.history.lastTick ?? 0;
    const span = Math.ceil(((q.data.windowS ?? 300) * 1000) / l.tickMs);
    const to = q.data.to ?? last;
    const from = q.data.from ?? Math.max(0, to - span + 1);
    const points = q.data.points ?? 300;
    // A metric named twice is one series (each name would otherwise cost a pass over the history).
    const asked = [...new Set(q.data.metrics?.split(',') ?? ['latencyP99Ms', 'cpuGranted', 'cpuUtil'])];
    const known = new Set<string>([...VPS_METRICS, ...HOST_METRICS]);
    // An empty name (`metrics=`, or a comma too many) would have answered ok with no series at all.
    if (asked.includes(''))
      return sendError(
        res,
        apiError('INVALID_INPUT', 'metrics: an empty name: give metric names separated by commas', 'metrics'),
      );
    const unknown = asked.find((m) => !known.has(m));
    if (unknown !== undefined)
      return sendError(
        res,
        apiError('INVALID_INPUT', `metrics: unknown metric "${unknown.slice(0, 40)}"`, 'metrics'),
      );
    const vpsCount = l.engines[side].state().vps.length;
    const vpsMetrics = asked.filter((m) => (VPS_METRICS as readonly string[]).includes(m)).length;
    const most = maxPoints(vpsCount, vpsMetrics, asked.length - vpsMetrics);
    if (points > most)
      return sendError(
        res,
        apiError(
          'LIMIT_EXCEEDED',
          `points: at most ${most} for ${vpsCount} VPSs × ${vpsMetrics} metrics and ${asked.length - vpsMetrics} host ` +
            `metrics (${MAX_SERIES_POINTS} series points per answer); ask for fewer points or metrics`,
          'points',
        ),
      );
    const series = vpsCount * vpsMetrics + asked.length - vpsMetrics;
    if (!exportable(req, res, historyValues(Math.min(points, Math.max(1, to - from + 1)), series))) return;
    // Made and written in pieces, turning to other work between them (the largest answer is about
    // 10 MB of JSON): the ticks in range now are held to the end while the lab ticks on.
    await sendPieces(
      req,
      res,
      historyAnswer(l.history, {
        lab: l.id,
        side,
        tickMs: l.tickMs,
        fromTick: from,
        toTick: to,
        points,
        metrics: asked,
      }),
    );
  });

  r.get('/labs/:id/scenario', (req: LabRequest, res) => {
    const l = lab(req, res);
    if (!l) return;
    const q = parseQuery(ScenarioQuerySchema, req.query);
    if (!q.ok) return sendError(res, q.error);
    const side = pickSide(l, q.data.side, res);
    if (side === undefined) return;
    const scenario = scenarioFromLog(registry.startScenario(l, side), l.engines[side].log(), {
      ticks: l.tick,
      name: fitName(l.scenario.name, ' (recorded)'),
    });
    // A session past the week a scenario holds would be a file the runner and POST /api/labs refuse.
    if (scenario.durationS !== undefined && scenario.durationS > MAX_DURATION_S)
      return sendError(
        res,
        apiError(
          'LIMIT_EXCEEDED',
          `durationS: the session has run ${scenario.durationS} s of simulated time, past the week (${MAX_DURATION_S} s) a scenario file holds; its recent metrics (metrics.csv, history) can still be taken`,
          'durationS',
        ),
      );
    // A download is the scenario file itself (the runner and POST /api/labs read it as is).
    if (q.data.download === undefined) return sendData(res, scenario);
    res.attachment(scenarioFileName(l.id, l.compare?.[side])).json(scenario);
  });

  return r;
}

/** Which mode of the lab a query means: side 1 exists only in a compare lab (else the answer is sent, undefined). */
function pickSide(l: Lab, side: number | undefined, res: Response): 0 | 1 | undefined {
  if (side !== 1) return 0;
  if (l.compare) return 1;
  sendError(
    res,
    apiError('INVALID_INPUT', `side: lab "${l.id}" runs one mode; side=1 is a compare lab's second`, 'side'),
  );
  return undefined;
}
