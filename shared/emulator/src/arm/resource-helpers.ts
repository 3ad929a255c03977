/** Helpers shared by the resource-type handlers: systemData, paging, lookups, tracked vs proxy shapes. */
import type { ArmState, Json, StoredResource } from '../state/model';
import { key, nextCounter } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall, ResourceTypeHandler } from './call';
import { render } from './render';
import { mfeNotFound } from './errors';
import { startOperation, type Operation, type StartOperation } from '../lro/operation';

export function systemData(prev: Json | undefined, c: ArmCall): Json {
  const who = c.principal.appId;
  const at = new Date(c.now).toISOString();
  return {
    createdAt: (prev?.createdAt as string | undefined) ?? at,
    createdBy: (prev?.createdBy as string | undefined) ?? who,
    createdByType: (prev?.createdByType as string | undefined) ?? 'Application',
    lastModifiedAt: at,
    lastModifiedBy: who,
    lastModifiedByType: 'Application',
  };
}

export function getResource(state: ArmState, id: string): StoredResource | undefined {
  return state.resources[key(id)];
}

export function putResource(state: ArmState, res: Omit<StoredResource, 'createdSeq'> & { createdSeq?: number }): StoredResource {
  const stored: StoredResource = { ...res, createdSeq: res.createdSeq ?? nextCounter(state, 'resource') };
  state.resources[key(res.id)] = stored;
  return stored;
}

/** Direct children of `parentId` of the given (last) type segment. */
export function childrenOf(state: ArmState, parentId: string, typeSegment: string): StoredResource[] {
  const prefix = `${key(parentId)}/${typeSegment.toLowerCase()}/`;
  return Object.entries(state.resources)
    .filter(([k]) => k.startsWith(prefix) && !k.slice(prefix.length).includes('/'))
    .map(([, r]) => r)
    .sort((a, b) => a.createdSeq - b.createdSeq);
}

export function propertiesOf(body: Json): Json {
  return isObject(body.properties) ? body.properties : {};
}

/** A paged list `{value, nextLink}`; the caller has filtered and ordered the items. */
export function page(c: ArmCall, items: unknown[], opts: { top?: number } = {}): Reply {
  const skip = Math.max(0, Number(c.url.searchParams.get('$skip') ?? 0) || 0);
  const limit = opts.top !== undefined ? Math.min(items.length, skip + opts.top) : items.length;
  const size = c.state.settings.pageSize;
  const end = Math.min(limit, skip + size);
  const value = items.slice(skip, end);
  const body: Json = { value };
  if (end < limit) {
    const next = new URL(c.url.pathname, c.baseUrl);
    c.url.searchParams.forEach((v, k) => next.searchParams.set(k, v));
    next.searchParams.set('$skip', String(end));
    if (opts.top !== undefined) next.searchParams.set('$top', String(limit - end));
    body.nextLink = next.toString();
  }
  return { status: 200, body };
}

export function top(c: ArmCall): number | undefined {
  const t = c.url.searchParams.get('$top');
  if (t === null) return undefined;
  const n = Number(t);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}

/** Copy of a body without read-only envelope fields the service owns. */
export function writableBody(body: Json): Json {
  const { id: _id, name: _name, type: _type, systemData: _sd, ...rest } = body;
  const props = isObject(rest.properties) ? { ...rest.properties } : undefined;
  if (props) delete props.provisioningState;
  return props ? { ...rest, properties: props } : rest;
}

/** A long-running operation on the call's resource in its workspace (ids, region and clock from the call). */
export function startWorkspaceOperation(c: ArmCall, s: Omit<StartOperation, 'resourceId' | 'subscriptionId' | 'workspaceId' | 'location' | 'now'>): Operation {
  const ws = c.workspace!;
  return startOperation(c.state, {
    ...s,
    resourceId: c.id,
    subscriptionId: c.subscriptionId,
    workspaceId: String(propertiesOf(ws.body).workspaceId),
    location: String(ws.body.location),
    now: c.now,
  });
}

/**
 * GET and list of an endpoint's deployments (online and batch alike): 404 naming the endpoint when it is missing,
 * `$orderBy` … desc reverses creation order, `$top` pages.
 */
export function deploymentReads(kind: 'online' | 'batch', endpointExists: (c: ArmCall) => boolean): Pick<ResourceTypeHandler, 'list' | 'get'> {
  return {
    list: (c) => {
      if (!endpointExists(c)) return mfeNotFound(`${kind} endpoint`, c.names[1]);
      let items = childrenOf(c.state, c.parentId, 'deployments');
      const order = (c.url.searchParams.get('$orderBy') ?? '').toLowerCase();
      if (order.includes('desc')) items = [...items].reverse();
      return page(c, items.map((d) => render(d)), { top: top(c) });
    },
    get: (c) => {
      const res = getResource(c.state, c.id);
      return res ? { status: 200, body: render(res) } : mfeNotFound(`${kind} deployment`, c.names[2]);
    },
  };
}
