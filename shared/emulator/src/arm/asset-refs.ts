/**
 * Resolving the asset references a deployment carries (`model`, `environmentId`, `codeConfiguration.codeId`, a batch
 * deployment's `componentId`, a batch job's data input):
 * ARM ids of workspace or registry versions, and `azureml://` asset ids (registries/..., locations/.../workspaces/{guid}/...,
 * subscriptions/.../workspaces/...). The `azureml` system registry's curated environments always resolve.
 */
import type { ArmState, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { getResource, propertiesOf } from './resource-helpers';
import { userError } from './errors';
import { ML_PROVIDER } from './target';
import { REGISTRY_TYPE } from './registries';

export type AssetKind = 'models' | 'environments' | 'codes' | 'components' | 'data';

const WHAT: Record<AssetKind, [string, string]> = {
  models: ['Model', 'ModelNotFound'],
  environments: ['Environment', 'EnvironmentNotFound'],
  codes: ['Code', 'CodeNotFound'],
  components: ['Component', 'ComponentNotFound'],
  data: ['Data', 'DataNotFound'],
};

export type Resolved = { resource: StoredResource } | { curated: true };

function registryId(state: ArmState, name: string): string | undefined {
  return Object.values(state.resources).find((r) => r.type === REGISTRY_TYPE && r.id.toLowerCase().endsWith(`/registries/${name.toLowerCase()}`))?.id;
}

function workspaceByGuid(state: ArmState, guid: string): string | undefined {
  return Object.values(state.resources).find(
    (r) => r.type === `${ML_PROVIDER}/workspaces` && String(propertiesOf(r.body).workspaceId).toLowerCase() === guid.toLowerCase(),
  )?.id;
}

function invalid(field: string, kind: AssetKind, ref: string): Reply {
  const message =
    `Invalid ${WHAT[kind][0].toLowerCase()} reference '${ref}' in '${field}': expected an ARM id ` +
    `(/subscriptions/.../workspaces/{workspace}/${kind}/{name}/versions/{version}) or an asset id (azureml://registries/{registry}/${kind}/{name}/versions/{version}).`;
  return userError(message, { code: 'BadArgument', message });
}

function notFound(kind: AssetKind, ref: string): Reply {
  const message = `${WHAT[kind][0]} '${ref}' was not found. Check that the ${WHAT[kind][0].toLowerCase()} version exists and the name and version are correct.`;
  return userError(message, { code: WHAT[kind][1], message });
}

/** The ARM id a reference names (undefined when the reference is malformed), or `curated`. */
function toArmId(state: ArmState, kind: AssetKind, ref: string): string | 'curated' | undefined | null {
  const tail = `${kind}/([^/]+)/versions/([^/]+)$`;
  let m = new RegExp(`^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/${ML_PROVIDER}/(workspaces|registries)/[^/]+/${tail}`, 'i').exec(ref);
  if (m) return ref;
  m = new RegExp(`^azureml://registries/([^/]+)/${tail}`, 'i').exec(ref);
  if (m) {
    if (m[1].toLowerCase() === 'azureml' && kind === 'environments') return 'curated';
    const reg = registryId(state, m[1]);
    return reg ? `${reg}/${kind}/${m[2]}/versions/${m[3]}` : null;
  }
  m = new RegExp(`^azureml://locations/[^/]+/workspaces/([^/]+)/${tail}`, 'i').exec(ref);
  if (m) {
    const ws = workspaceByGuid(state, m[1]);
    return ws ? `${ws}/${kind}/${m[2]}/versions/${m[3]}` : null;
  }
  m = new RegExp(`^azureml://subscriptions/([^/]+)/resourceGroups/([^/]+)/(?:providers/${ML_PROVIDER}/)?workspaces/([^/]+)/${tail}`, 'i').exec(ref);
  if (m) return `/subscriptions/${m[1]}/resourceGroups/${m[2]}/providers/${ML_PROVIDER}/workspaces/${m[3]}/${kind}/${m[4]}/versions/${m[5]}`;
  return undefined;
}

export function resolveAsset(state: ArmState, field: string, kind: AssetKind, ref: unknown): Resolved | Reply {
  if (typeof ref !== 'string' || !ref.trim()) return invalid(field, kind, String(ref));
  const id = toArmId(state, kind, ref.trim());
  if (id === undefined) return invalid(field, kind, ref);
  if (id === 'curated') return { curated: true };
  const res = id ? getResource(state, id) : undefined;
  if (!res || ['Failed', 'Canceled', 'Deleting'].includes(String(propertiesOf(res.body).provisioningState))) return notFound(kind, ref);
  return { resource: res };
}

export function isReply(v: unknown): v is Reply {
  return typeof v === 'object' && v !== null && 'status' in v;
}
