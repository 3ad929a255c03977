/**
 * Workspace model containers and versions. Both are synchronous: PUT answers 201 for a new resource and 200 for
 * an existing one. Versions are immutable in their path (`modelUri`); bodies are stored whole, so fields a newer
 * api-version knows come back on GET.
 */
import type { ArmState, Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall, ResourceTypeHandler } from './call';
import { childrenOf, getResource, page, propertiesOf, putResource, systemData, top, writableBody } from './resource-helpers';
import { render } from './render';
import { mfeNotFound, userError } from './errors';
import { ML_PROVIDER } from './target';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;
const CONTAINER_TYPE = `${ML_PROVIDER}/workspaces/models`;
const VERSION_TYPE = `${ML_PROVIDER}/workspaces/models/versions`;

export function badName(name: string): Reply | undefined {
  if (NAME.test(name)) return undefined;
  const message = `Model name '${name}' is invalid: it must start with a letter or digit and contain only letters, digits, '-' and '_' (at most 255 characters).`;
  return userError(message, { code: 'BadArgument', message });
}

export function requireProperties(body: unknown): Reply | Json {
  if (!isObject(body)) return userError('The request body is required and must be a JSON object.', { code: 'BadArgument', message: 'Missing request body.' });
  if (!isObject(body.properties)) {
    return userError("The 'properties' field is required.", { code: 'BadArgument', message: "Required property 'properties' not found in JSON." });
  }
  return body;
}

function containerId(c: ArmCall): string {
  return `${c.workspace!.id}/models/${c.names[1]}`;
}

export function versionView(versions: StoredResource[]): { latestVersion: string | null; nextVersion: string } {
  const latest = versions.length ? versions[versions.length - 1] : undefined;
  const numeric = versions.map((v) => Number(v.id.slice(v.id.lastIndexOf('/') + 1))).filter((n) => Number.isInteger(n) && n >= 0);
  return {
    latestVersion: latest ? latest.id.slice(latest.id.lastIndexOf('/') + 1) : null,
    nextVersion: String(numeric.length ? Math.max(...numeric) + 1 : 1),
  };
}

function renderContainer(state: ArmState, ctr: StoredResource): Json {
  return render(ctr, { properties: versionView(childrenOf(state, ctr.id, 'versions')) });
}

function ensureContainer(c: ArmCall): StoredResource {
  const id = containerId(c);
  const existing = getResource(c.state, id);
  if (existing) return existing;
  return putResource(c.state, {
    id,
    type: CONTAINER_TYPE,
    body: {
      properties: { description: null, isArchived: false, properties: {}, tags: {}, provisioningState: 'Succeeded' },
      systemData: systemData(undefined, c),
    },
  });
}

export function listViewFilter(c: ArmCall): (r: StoredResource) => boolean {
  const view = (c.url.searchParams.get('listViewType') ?? 'ActiveOnly').toLowerCase();
  return (r) => {
    const archived = propertiesOf(r.body).isArchived === true;
    return view === 'all' ? true : view === 'archivedonly' ? archived : !archived;
  };
}

export const modelContainerHandlers: ResourceTypeHandler = {
  path: ['workspaces', 'models'],
  list: (c) => {
    const items = childrenOf(c.state, c.workspace!.id, 'models').filter(listViewFilter(c));
    return page(c, items.map((m) => renderContainer(c.state, m)), { top: top(c) });
  },
  get: (c) => {
    const ctr = getResource(c.state, containerId(c));
    return ctr ? { status: 200, body: renderContainer(c.state, ctr) } : mfeNotFound('model container', c.names[1]);
  },
  put: (c) => {
    const bad = badName(c.names[1]);
    if (bad) return bad;
    const body = requireProperties(c.body);
    if ('status' in body) return body as Reply;
    const id = containerId(c);
    const prev = getResource(c.state, id);
    const incoming = writableBody(body);
    const stored = putResource(c.state, {
      id,
      type: CONTAINER_TYPE,
      createdSeq: prev?.createdSeq,
      body: {
        ...incoming,
        properties: { ...propertiesOf(incoming), provisioningState: 'Succeeded' },
        systemData: systemData(prev?.body.systemData as Json | undefined, c),
      },
    });
    return { status: prev ? 200 : 201, body: renderContainer(c.state, stored) };
  },
  delete: (c) => {
    const id = containerId(c);
    const prev = getResource(c.state, id);
    if (!prev) return { status: 204 };
    for (const k of Object.keys(c.state.resources)) {
      if (k === id.toLowerCase() || k.startsWith(`${id.toLowerCase()}/`)) delete c.state.resources[k];
    }
    return { status: 200 };
  },
};

export function versionOrder(c: ArmCall, items: StoredResource[]): StoredResource[] {
  const order = (c.url.searchParams.get('$orderBy') ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
  if (order === 'createdtime desc') return [...items].sort((a, b) => b.createdSeq - a.createdSeq);
  return items;
}

/** What the service checks on every model version PUT, in a workspace or a registry: names, body, modelUri. */
export function checkVersionPut(c: ArmCall, name: string, version: string): Reply | { incoming: Json; props: Json & { modelUri: string } } {
  const bad = badName(name);
  if (bad) return bad;
  if (!version.trim()) return userError('The model version must not be empty.', { code: 'BadArgument', message: 'Empty version.' });
  const body = requireProperties(c.body);
  if ('status' in body) return body as Reply;
  const incoming = writableBody(body);
  const props = propertiesOf(incoming);
  if (typeof props.modelUri !== 'string' || !props.modelUri) {
    return userError("The field 'modelUri' is required for a model version.", { code: 'BadArgument', message: "Required property 'modelUri' not found." });
  }
  return { incoming, props: props as Json & { modelUri: string } };
}

export const modelVersionHandlers: ResourceTypeHandler = {
  path: ['workspaces', 'models', 'versions'],
  list: (c) => {
    const ctrId = containerId(c);
    let items = childrenOf(c.state, ctrId, 'versions').filter(listViewFilter(c));
    const version = c.url.searchParams.get('version');
    if (version !== null) items = items.filter((v) => v.id.endsWith(`/${version}`));
    return page(c, versionOrder(c, items).map((v) => render(v)), { top: top(c) });
  },
  get: (c) => {
    const v = getResource(c.state, c.id);
    if (v) return { status: 200, body: render(v) };
    return mfeNotFound('model version', `${c.names[1]}:${c.names[2]}`);
  },
  put: (c) => {
    const [, name, version] = c.names;
    const checked = checkVersionPut(c, name, version);
    if ('status' in checked) return checked;
    const { incoming, props } = checked;
    const prev = getResource(c.state, c.id);
    if (prev) {
      const oldUri = propertiesOf(prev.body).modelUri;
      if (oldUri !== props.modelUri) {
        const message =
          `Model ${name}:${version} already exists and asset versions are immutable: changing the path of an existing asset is not allowed ` +
          `(modelUri '${String(oldUri)}' cannot change to '${props.modelUri}'). Create a new version instead.`;
        return userError(message, { code: 'Immutable', message: 'AssetPathError: changing path of existing asset not allowed.' });
      }
    }
    ensureContainer(c);
    return putAssetVersion(c, VERSION_TYPE, prev, incoming, props);
  },
  delete: deleteAssetVersion,
};

/** Stores an asset version (model, environment, code) as the service answers it: 201 new, 200 replaced. */
export function putAssetVersion(c: ArmCall, type: string, prev: StoredResource | undefined, incoming: Json, properties: Json): Reply {
  const stored = putResource(c.state, {
    id: c.id,
    type,
    createdSeq: prev?.createdSeq,
    body: {
      ...incoming,
      properties: { isAnonymous: false, isArchived: false, ...properties, provisioningState: 'Succeeded' },
      systemData: systemData(prev?.body.systemData as Json | undefined, c),
    },
  });
  return { status: prev ? 200 : 201, body: render(stored) };
}

/** DELETE of an asset version: 200, or 204 when there was none. */
export function deleteAssetVersion(c: ArmCall): Reply {
  if (!getResource(c.state, c.id)) return { status: 204 };
  delete c.state.resources[c.id.toLowerCase()];
  return { status: 200 };
}
