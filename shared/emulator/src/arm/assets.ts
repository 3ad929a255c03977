/**
 * Workspace environments and code assets (data and component assets: data-components.ts): containers (`.../environments/{name}`, `.../codes/{name}`) and their
 * versions. Like model versions they are synchronous (201 new, 200 existing) and immutable in what they point at:
 * an environment version's image / condaFile / build, a code version's codeUri.
 */
import type { ArmState, Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall, ResourceTypeHandler } from './call';
import { childrenOf, getResource, page, propertiesOf, putResource, systemData, top, writableBody } from './resource-helpers';
import { render } from './render';
import { mfeNotFound, userError } from './errors';
import { ML_PROVIDER } from './target';
import { badName, deleteAssetVersion, listViewFilter, putAssetVersion, requireProperties, versionOrder, versionView } from './models';

export interface AssetFamily {
  /** Path segment under the workspace: `environments` / `codes`. */
  segment: string;
  /** For messages: `environment` / `code`. */
  label: string;
  /** Checks and normalises version properties; returns a Reply to refuse. */
  check: (props: Json) => Reply | Json;
  /** Properties that may not change on an existing version. */
  immutable: string[];
}

function bad(message: string): Reply {
  return userError(message, { code: 'BadArgument', message });
}

export function assetFamily(f: AssetFamily): { containers: ResourceTypeHandler; versions: ResourceTypeHandler } {
  const containerType = `${ML_PROVIDER}/workspaces/${f.segment}`;
  const versionType = `${containerType}/versions`;
  const containerId = (c: ArmCall) => `${c.workspace!.id}/${f.segment}/${c.names[1]}`;
  const renderContainer = (state: ArmState, ctr: StoredResource) => render(ctr, { properties: versionView(childrenOf(state, ctr.id, 'versions')) });
  const ensureContainer = (c: ArmCall) =>
    getResource(c.state, containerId(c)) ??
    putResource(c.state, {
      id: containerId(c),
      type: containerType,
      body: { properties: { description: null, isArchived: false, properties: {}, tags: {}, provisioningState: 'Succeeded' }, systemData: systemData(undefined, c) },
    });

  const containers: ResourceTypeHandler = {
    path: ['workspaces', f.segment],
    list: (c) => {
      const items = childrenOf(c.state, c.workspace!.id, f.segment).filter(listViewFilter(c));
      return page(c, items.map((x) => renderContainer(c.state, x)), { top: top(c) });
    },
    get: (c) => {
      const ctr = getResource(c.state, containerId(c));
      return ctr ? { status: 200, body: renderContainer(c.state, ctr) } : mfeNotFound(`${f.label} container`, c.names[1]);
    },
    put: (c) => {
      const badN = badName(c.names[1]);
      if (badN) return badN;
      const body = requireProperties(c.body);
      if ('status' in body) return body as Reply;
      const prev = getResource(c.state, containerId(c));
      const incoming = writableBody(body);
      const stored = putResource(c.state, {
        id: containerId(c),
        type: containerType,
        createdSeq: prev?.createdSeq,
        body: { ...incoming, properties: { ...propertiesOf(incoming), provisioningState: 'Succeeded' }, systemData: systemData(prev?.body.systemData as Json | undefined, c) },
      });
      return { status: prev ? 200 : 201, body: renderContainer(c.state, stored) };
    },
    delete: (c) => {
      const id = containerId(c).toLowerCase();
      if (!getResource(c.state, id)) return { status: 204 };
      for (const k of Object.keys(c.state.resources)) if (k === id || k.startsWith(`${id}/`)) delete c.state.resources[k];
      return { status: 200 };
    },
  };

  const versions: ResourceTypeHandler = {
    path: ['workspaces', f.segment, 'versions'],
    list: (c) => {
      let items = childrenOf(c.state, containerId(c), 'versions').filter(listViewFilter(c));
      const version = c.url.searchParams.get('version');
      if (version !== null) items = items.filter((v) => v.id.endsWith(`/${version}`));
      return page(c, versionOrder(c, items).map((v) => render(v)), { top: top(c) });
    },
    get: (c) => {
      const v = getResource(c.state, c.id);
      return v ? { status: 200, body: render(v) } : mfeNotFound(`${f.label} version`, `${c.names[1]}:${c.names[2]}`);
    },
    put: (c) => {
      const [, name, version] = c.names;
      const badN = badName(name);
      if (badN) return badN;
      if (!version.trim()) return bad(`The ${f.label} version must not be empty.`);
      const body = requireProperties(c.body);
      if ('status' in body) return body as Reply;
      const incoming = writableBody(body);
      const checked = f.check(propertiesOf(incoming));
      if ('status' in checked) return checked as Reply;
      const prev = getResource(c.state, c.id);
      if (prev) {
        const old = propertiesOf(prev.body);
        const changed = f.immutable.find((k) => JSON.stringify(old[k] ?? null) !== JSON.stringify(checked[k] ?? null));
        if (changed) {
          const message = `${f.label[0].toUpperCase()}${f.label.slice(1)} ${name}:${version} already exists and asset versions are immutable: '${changed}' cannot change. Create a new version instead.`;
          return userError(message, { code: 'Immutable', message: `AssetPathError: changing '${changed}' of an existing asset version is not allowed.` });
        }
      }
      ensureContainer(c);
      return putAssetVersion(c, versionType, prev, incoming, checked);
    },
    delete: deleteAssetVersion,
  };
  return { containers, versions };
}

const OS_TYPES = ['Linux', 'Windows'];
const AUTO_REBUILD = ['Disabled', 'OnBaseImageUpdate'];

function enumValue(props: Json, field: string, allowed: string[], fallback: string): string | Reply {
  const v = props[field];
  if (v === undefined || v === null) return fallback;
  const hit = allowed.find((a) => a.toLowerCase() === String(v).toLowerCase());
  return hit ?? bad(`'${field}' must be one of ${allowed.join(', ')}; got '${String(v)}'.`);
}

function checkEnvironment(props: Json): Reply | Json {
  const { image, build, condaFile } = props;
  if (image !== undefined && image !== null && (typeof image !== 'string' || !image.trim())) return bad("'image' must be a non-empty string (a Docker image reference).");
  if (build !== undefined && build !== null && (!isObject(build) || typeof build.contextUri !== 'string' || !build.contextUri)) {
    return bad("'build.contextUri' is required when 'build' is given.");
  }
  if (!image && !build) return bad("An environment version needs either 'image' (a Docker image) or 'build' (a Docker build context).");
  if (image && build) return bad("An environment version takes 'image' or 'build', not both.");
  if (condaFile !== undefined && condaFile !== null && typeof condaFile !== 'string') return bad("'condaFile' must be a string (the conda YAML content).");
  if (condaFile && build) return bad("'condaFile' can only be given with 'image'; put the conda file in the build context instead.");
  const osType = enumValue(props, 'osType', OS_TYPES, 'Linux');
  if (typeof osType !== 'string') return osType;
  const autoRebuild = enumValue(props, 'autoRebuild', AUTO_REBUILD, 'Disabled');
  if (typeof autoRebuild !== 'string') return autoRebuild;
  if (props.isAnonymous !== undefined && typeof props.isAnonymous !== 'boolean') return bad("'isAnonymous' must be a boolean.");
  return { ...props, osType, autoRebuild, environmentType: 'UserCreated' };
}

const CODE_URI = /^(https:\/\/[^/]+\/.+|azureml:\/\/.+)$/i;

function checkCode(props: Json): Reply | Json {
  const uri = props.codeUri;
  if (typeof uri !== 'string' || !uri) return bad("The field 'codeUri' is required for a code version.");
  if (!CODE_URI.test(uri)) return bad(`'codeUri' must be a blob URL (https://<account>.blob.core.windows.net/<container>/<path>) or an azureml:// datastore URI; got '${uri}'.`);
  return props;
}

const environments = assetFamily({ segment: 'environments', label: 'environment', check: checkEnvironment, immutable: ['image', 'condaFile', 'build'] });
const codes = assetFamily({ segment: 'codes', label: 'code', check: checkCode, immutable: ['codeUri'] });

export const environmentContainerHandlers = environments.containers;
export const environmentVersionHandlers = environments.versions;
export const codeContainerHandlers = codes.containers;
export const codeVersionHandlers = codes.versions;
