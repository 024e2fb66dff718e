/**
 * REST in a cluster, in front of the one-process routes: `GET /api/labs` lists every lab of the
 * service; a new lab is created on the least-loaded
 * live process; a request about a lab another process owns is forwarded to that process's API
 * (and its answer passed back as is). While a lab changes owner the request waits for the new one.
 * A command or clock action goes with its request id (`Idempotency-Key`, given here when the client
 * gave none), so one whose owner died before answering is sent again to the new owner, which
 * applies it only if the old one had not.
 */
import { randomUUID } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { LabSummary } from '../../shared/protocol.js';
import type { LabMeta } from '../lab/store.js';
import type { Registry } from '../lab/registry.js';
import { apiError, sendData, sendError } from '../net/errors.js';
import type { ClusterHealth } from '../net/routes-misc.js';
import { REQUEST_ID_HEADER, readRequestId } from '../net/requestId.js';
import { keys } from './keys.js';
import { leastLoaded, withRoom, type Member } from './members.js';
import type { ClusterNode } from './node.js';
import { LATE, within } from './redis.js';
import { ownerSilentRefusal } from './relayHeld.js';

/** Set on a request one process forwards to another (it is then answered there, never forwarded again). */
export const FORWARDED = 'x-contention-forwarded';
/**
 * How long a request waits for a lab that is changing owner (over every owner it is sent to): a
 * lease running out and the new owner re-running a big lab up to where the old one was fit in it.
 */
const OWNER_WAIT_MS = 30_000;
/** How long listing every lab of the service may wait for Redis. */
const LIST_WAIT_MS = 3000;
const PASSED_HEADERS = ['content-type', 'content-disposition', 'location', 'cache-control'];

/** What `/healthz` adds in a cluster: the process that answered, the labs it owns, its Redis link. */
export function clusterHealth(node: ClusterNode, registry: Registry): () => ClusterHealth {
  return () => ({
    process: node.id,
    owns: registry.list().map((l) => l.id),
    redis: node.redis.status,
    redisAnswers: node.health.answering(),
  });
}

export function clusterRoutes(node: ClusterNode, registry: Registry): Router {
  const r = Router();

  r.get('/api/labs', async (_req, res) => {
    // Not the labs of this process alone, passed off as the service's: say the list cannot be read.
    const listed = node.storeAway() ? LATE : await within(listAll(node, registry), LIST_WAIT_MS);
    if (listed === LATE)
      return sendError(
        res,
        apiError(
          'UNAVAILABLE',
          'the cluster’s store (Redis) does not answer this server, so the list of labs cannot be read; ask again in a moment',
        ),
      );
    sendData(res, listed);
  });

  r.post('/api/labs', async (req, res, next) => {
    // Made here, where the registry refuses it while the store does not answer.
    if (req.headers[FORWARDED] || node.storeAway()) return next();
    try {
      // A fork runs where the lab it forks runs; anything else on the least-loaded process.
      const from = (req.body as { from?: unknown } | undefined)?.from;
      const live = await node.processes();
      // A process at MAX_LABS gets no new lab; when all are full this one answers (it refuses).
      const target =
        typeof from === 'string' ? await node.members.ownerOf(from, live) : leastLoaded(withRoom(live));
      if (!target || target.id === node.id) return next();
      // A process that died since its last record got nothing: the lab is made here instead.
      if ((await forward(req, res, node, target)) === REFUSED) next();
    } catch (err) {
      next(err);
    }
  });

  const toOwner = async (req: Request<{ id: string }>, res: Response, next: NextFunction) => {
    const id = req.params.id;
    // Sent here as this process's while it is still taking the lab over: nothing is done, the sender waits.
    if (req.headers[FORWARDED] && !registry.get(id) && node.leases.holds(id))
      return sendError(
        res,
        apiError('RESTORING', `lab "${id.slice(0, 64)}" is changing process; ask again in a moment`, 'lab'),
      );
    if (registry.get(id) || req.headers[FORWARDED]) return next();
    // The owner is found, and reached, through Redis: a lab it listed is not "no lab" meanwhile.
    if (node.storeAway())
      return node.knows(id)
        ? sendError(
            res,
            apiError(
              'UNAVAILABLE',
              `the cluster’s store (Redis) does not answer this server, through which lab "${id.slice(0, 64)}" is reached (another server runs it); nothing was sent, nothing changed; send it again once the store answers`,
            ),
          )
        : next();
    try {
      const resend = resendable(req);
      if (resend) {
        // Given twice, the header would reach the owner as one malformed id (its values joined).
        const rid = readRequestId(req);
        if (!rid.ok) return sendError(res, rid.error);
        req.headers[REQUEST_ID_HEADER] ??= randomUUID();
      }
      const until = performance.now() + OWNER_WAIT_MS;
      for (;;) {
        const owner = await node.members.ownerOf(id, await node.processes());
        // An owner that refuses the connection (it died, its record not yet expired) got nothing:
        // wait for the next. One that took the request and broke off is asked again when that is safe.
        // A change for a lab whose owner went silent, none to take it over: refused, nothing sent.
        if (changes(req) && (await node.ownerSilent(id)))
          return sendError(res, apiError('UNAVAILABLE', ownerSilentRefusal(id)));
        if (owner && owner.id !== node.id) {
          const sent = await forward(req, res, node, owner, performance.now() < until, resend);
          if (sent !== REFUSED) return;
        }
        if (registry.get(id) || !(await node.exists(id))) return next();
        if (performance.now() > until)
          return sendError(
            res,
            apiError('UNAVAILABLE', `lab "${id.slice(0, 64)}" is changing process; try again`),
          );
        await new Promise((w) => setTimeout(w, 250));
      }
    } catch (err) {
      next(err);
    }
  };
  r.all('/api/labs/:id', toOwner);
  r.all('/api/labs/:id/*rest', toOwner);
  return r;
}

/** Whether a request would change a lab (anything but reading it). */
function changes(req: Request): boolean {
  return req.method !== 'GET' && req.method !== 'HEAD';
}

/**
 * Whether a request may be sent again after its owner took it and died: a command or a clock action
 * (a step too), each applied once per request id, also by the owner after it (from the lab's log).
 */

function resendable(req: Request): boolean {
  if (req.method !== 'POST') return false;
  const what = req.path.slice(req.path.lastIndexOf('/') + 1);
  return what === 'commands' || what === 'clock';
}

/**
 * What `forward` returns when nothing was answered: the process refused the connection (nothing
 * was sent), or, when asking again is allowed, it answered that it is still taking the lab over
 * (nothing was done) or, for a request safe to send again, it broke off before answering.
 */
const REFUSED = Symbol('refused');

/**
 * Pass a request to another process and its answer back (or REFUSED, with no answer sent, when
 * `again` allows asking again; `resend`: the request is safe to send again after a broken answer).
 */
async function forward(
  req: Request,
  res: Response,
  node: ClusterNode,
  to: Member,
  again = false,
  resend = false,
): Promise<void | typeof REFUSED> {
  const headers: Record<string, string> = { [FORWARDED]: node.id };
  if (req.headers.authorization) headers.authorization = req.headers.authorization;
  const rid = req.headers[REQUEST_ID_HEADER];
  if (typeof rid === 'string') headers[REQUEST_ID_HEADER] = rid;
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.body !== undefined;
  if (hasBody) headers['content-type'] = 'application/json';
  let answer: globalThis.Response;
  let body: Buffer;
  try {
    answer = await fetch(`${to.url}${req.originalUrl}`, {
      method: req.method,
      headers,
      body: hasBody ? JSON.stringify(req.body) : undefined,
      signal: AbortSignal.timeout(15_000),
    });
    body = Buffer.from(await answer.arrayBuffer());
  } catch (err) {
    if ((again && resend) || (err as { cause?: { code?: unknown } }).cause?.code === 'ECONNREFUSED')
      return REFUSED;
    return sendError(res, apiError('UNAVAILABLE', `the process running this lab did not answer; try again`));
  }
  if (again && answer.status === 503 && changingProcess(body)) return REFUSED;
  res.status(answer.status);
  for (const h of PASSED_HEADERS) {
    const v = answer.headers.get(h);
    if (v) res.setHeader(h, v);
  }
  res.send(body);
}

/** Whether an answer says the lab is still being taken over there (RESTORING): nothing was done. */
function changingProcess(body: Buffer): boolean {
  try {
    return (JSON.parse(body.toString()) as { error?: { code?: unknown } }).error?.code === 'RESTORING';
  } catch {
    return false;
  }
}

/** Every lab of the service: owners' published summaries, fresher local ones, and labs between owners. */
async function listAll(node: ClusterNode, registry: Registry): Promise<LabSummary[]> {
  const [live, ids] = await Promise.all([node.processes(), node.labIds()]);
  const leases = ids.length ? await node.redis.mget(ids.map((id) => keys.lease(id))) : [];
  const ownerOf = new Map(ids.map((id, i) => [id, leases[i]?.slice(0, leases[i].lastIndexOf(':'))]));
  const byId = new Map<string, LabSummary>();
  for (const m of live) for (const l of m.labs) if (ownerOf.get(l.id) === m.id) byId.set(l.id, l);
  for (const lab of registry.list()) byId.set(lab.id, lab.summary(node.localViewers(lab.id)));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length) {
    const metas = await node.redis.hmget(keys.labs, ...missing);
    for (let i = 0; i < missing.length; i++) {
      const meta = readMeta(metas[i]);
      if (!meta) continue;
      byId.set(missing[i], {
        id: missing[i],
        name: meta.scenario.name,
        mode: meta.compare?.[0] ?? meta.scenario.mode,
        ...(meta.compare ? { compareMode: meta.compare[1] } : {}),
        tick: (await node.store.ticksReached(missing[i])) ?? 0,
        vpsCount: meta.scenario.vps.length,
        clients: 0,
      });
    }
  }
  const clients = (id: string) =>
    live.reduce((sum, m) => sum + (m.id === node.id ? 0 : (m.viewers[id] ?? 0)), node.localViewers(id));
  return ids
    .filter((id) => byId.has(id))
    .map((id) => ({ ...(byId.get(id) as LabSummary), clients: clients(id) }));
}

/**
 * A lab's meta as Redis holds it, enough to list the lab; undefined when it is damaged (the lab is
 * then left out of the list until a process taking it over sets it aside, naming why).
 */
function readMeta(raw: string | null): LabMeta | undefined {
  if (!raw) return undefined;
  try {
    const meta = JSON.parse(raw) as Partial<LabMeta> | null;
    const s = meta?.scenario;
    if (typeof s?.name !== 'string' || !Array.isArray(s.vps) || s.mode === undefined) return undefined;
    return meta as LabMeta;
  } catch {
    return undefined;
  }
}
