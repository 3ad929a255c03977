/**
 * The request pipeline: read the whole body, apply faults, then route to identity, the control surface,
 * ARM, the asset-store operation poll or discovery; journal every non-control request before its response
 * leaves, so a client that reads the journal right after a response always finds it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IdentityService } from './identity';
import { ARM_AUDIENCES, ML_AUDIENCE } from './identity';
import type { JsonStore } from './state/json-store';
import type { ArmState } from './state/model';
import type { Journal, NewJournalEntry } from './journal';
import type { Reply } from './http';
import { isObject, parseJson, readBody, send } from './http';
import { faultReply, takeFault } from './faults';
import type { ControlDeps } from './control';
import { handleControl } from './control';
import type { ArmRouter } from './arm/router';
import { armError } from './arm/errors';
import { renderAssetStore } from './lro/poll-routes';

/** A route served beside ARM (data planes). Return undefined when the request is not yours. */
export type ExtraRoute = (req: IncomingMessage, url: URL, body: Buffer, ctx: RequestContext) => Promise<Reply | undefined>;

/** A control route beside the built-in ones (`/_emulator/...`); undefined when the path is not yours. */
export type ControlRoute = (method: string, url: URL, body: Buffer) => Promise<Reply | undefined>;

export interface RequestContext {
  baseUrl: string;
  /** Set by a route to journal the caller. */
  principal?: string;
  /** Set by a route to journal the (parsed) request body. */
  requestBody?: unknown;
  area?: string;
  /** The shared state as peeked at the start of this request (absent after a fault): routes look at it instead of peeking again. */
  snapshot?: Readonly<ArmState>;
}

export interface ServerDeps {
  baseUrl: string;
  store: JsonStore<ArmState>;
  journal: Journal;
  identity: IdentityService;
  arm: ArmRouter;
  control: ControlDeps;
  extraRoutes?: ExtraRoute[];
  controlRoutes?: ControlRoute[];
  log: (line: string) => void;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function query(url: URL): Record<string, string> {
  const q: Record<string, string> = {};
  url.searchParams.forEach((v, k) => {
    q[k] = v;
  });
  return q;
}

/** Journal the request when the response ends, then let the response go. */
function journalOnEnd(res: ServerResponse, deps: ServerDeps, base: Omit<NewJournalEntry, 'status'>, ctx: RequestContext): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  (res as unknown as { end: (...args: unknown[]) => ServerResponse }).end = (...args: unknown[]) => {
    const entry: NewJournalEntry = { ...base, status: res.statusCode, area: ctx.area };
    if (ctx.principal) entry.principal = ctx.principal;
    if (ctx.requestBody !== undefined) entry.requestBody = ctx.requestBody;
    deps.journal
      .append(entry)
      .catch((e: Error) => deps.log(`journal append failed: ${e.message}`))
      .finally(() => end(...args));
    return res;
  };
}

function discovery(baseUrl: string): Reply {
  const services = ['api', 'catalog', 'experimentation', 'gallery', 'history', 'hyperdrive', 'labeling', 'modelmanagement', 'pipelines', 'studio'];
  return { status: 200, body: Object.fromEntries(services.map((s) => [s, baseUrl])) };
}

async function assetStorePoll(deps: ServerDeps, req: IncomingMessage, url: URL, ctx: RequestContext): Promise<Reply | undefined> {
  const m = /^\/assetstore\/v1\.0\/operations\/([^/]+)$/.exec(url.pathname);
  if (!m) return undefined;
  ctx.area = 'arm';
  const auth = deps.identity.verifyBearer(req.headers.authorization, [...ARM_AUDIENCES, ML_AUDIENCE]);
  if (!auth.ok) return armError(401, auth.code, auth.message);
  ctx.principal = auth.token.principalId;
  const op = deps.store.read().operations[m[1]];
  if (!op || op.style !== 'assetstore') return armError(404, 'NotFound', `Operation '${m[1]}' was not found.`);
  return renderAssetStore(op, Date.now());
}

export function createRequestHandler(deps: ServerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((e: Error) => {
      deps.log(`error serving ${req.method} ${req.url}: ${e.stack ?? e.message}`);
      if (!res.headersSent) send(res, armError(500, 'InternalServerError', `Emulator error: ${e.message}`));
      else res.destroy();
    });
  };
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  // `//subscriptions/…` (SDKs joining `/{+resourceUri}` with an id that starts with '/') is a path, as ARM reads it.
  const url = new URL((req.url ?? '/').replace(/^\/{2,}/, '/'), deps.baseUrl);
  const method = (req.method ?? 'GET').toUpperCase();

  if (url.pathname.startsWith('/_emulator/')) {
    if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) return send(res, armError(403, 'Forbidden', 'The control surface is loopback-only.'));
    for (const route of deps.controlRoutes ?? []) {
      const reply = await route(method, url, body);
      if (reply) return send(res, reply);
    }
    return send(res, await handleControl(deps.control, method, url, body));
  }

  const ctx: RequestContext = { baseUrl: deps.baseUrl };
  const entryBase = { method, path: url.pathname, query: query(url) };
  // One look at the shared state serves the fault check and, when no fault fired, the ARM front door and the data
  // planes (its stat shared with the other requests this turn starts).
  const snapshot = deps.store.peek(true);
  const fault = await takeFault(deps.store, method, url.pathname, { host: 'emulator' }, snapshot);
  if (fault) {
    // unref: a delayed answer must not keep a stopped emulator (or the test process hosting it) alive.
    if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs).unref());
    if (fault.drop) {
      await deps.journal.append({ ...entryBase, status: 0, fault: fault.id, area: 'fault' });
      req.socket.destroy();
      return;
    }
    if (fault.status !== undefined) {
      await deps.journal.append({ ...entryBase, status: fault.status, fault: fault.id, area: 'fault' });
      return send(res, faultReply(fault, url.pathname));
    }
  }

  journalOnEnd(res, deps, fault ? { ...entryBase, fault: fault.id } : entryBase, ctx);
  if (!fault) ctx.snapshot = snapshot;

  ctx.area = 'identity';
  if (await deps.identity.handle(req, res, url, body)) return;

  if (url.pathname.startsWith('/subscriptions/')) {
    ctx.area = 'arm';
    const out = await deps.arm.handle({ method, url, baseUrl: deps.baseUrl, headers: req.headers, body, snapshot: ctx.snapshot });
    ctx.principal = out.principal;
    ctx.requestBody = out.requestBody;
    return send(res, out.reply);
  }

  ctx.area = 'data';
  for (const route of [(r: IncomingMessage, u: URL) => assetStorePoll(deps, r, u, ctx), ...(deps.extraRoutes ?? [])]) {
    const reply = await route(req, url, body, ctx);
    if (reply) return send(res, reply);
  }
  const disc = /^\/discovery\/([^/]+)$/.exec(url.pathname);
  if (disc && method === 'GET') {
    ctx.area = 'discovery';
    return send(res, discovery(deps.baseUrl));
  }
  ctx.area = undefined;
  if (body.length && ctx.requestBody === undefined) {
    const parsed = parseJson(body);
    if (isObject(parsed.value)) ctx.requestBody = parsed.value;
  }
  send(res, armError(404, 'NoRegisteredProviderFound', `No registered resource provider found for path '${url.pathname}'.`));
}
