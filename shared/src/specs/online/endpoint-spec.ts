/**
 * `az ml online-endpoint create -f endpoint.yml` files → the OnlineEndpoint PUT body (reference §2). A truthy
 * `compute` in the file, or any override of `compute`, makes it a Kubernetes endpoint.
 */
import { type Node } from 'yaml';
import { inputError } from '../../core/errors';
import type { WorkspaceScope } from '../datastore-uri';
import type { MapEntry } from '../yaml-source';
import { computeId, parseComputeRef, type ComputeRef } from '../common/compute-ref';
import { camelToSnake, snakeToPascal } from './casing';
import { endpointNameProblem } from '../common/names';
import { givenInputs } from './overrides';
import type { SpecReader } from './reader';
import { openSpec, type SpecSourceOptions } from './spec-source';
import { readTrafficMap, trafficProblems, type TrafficMap } from './traffic';

const COMMON = ['name', 'description', 'tags', 'properties', 'auth_mode', 'identity', 'traffic', 'mirror_traffic', 'location'];
const MANAGED_KEYS = [...COMMON, 'public_network_access'];
const KUBERNETES_KEYS = [...COMMON, 'compute'];
const IGNORED = ['$schema', 'kind', 'id', 'provisioning_state', 'scoring_uri', 'openapi_uri', 'creation_context'];
const USER_IDENTITY = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i;

export type AuthMode = 'Key' | 'AMLToken' | 'AADToken';
const AUTH: Record<string, AuthMode> = { key: 'Key', aml_token: 'AMLToken', aad_token: 'AADToken' };

export interface OnlineEndpointInputs {
  endpointName?: string;
  authMode?: string;
  /** A Kubernetes compute's name (or `azureml:` reference): makes the endpoint a Kubernetes one. */
  compute?: string;
}

export const ENDPOINT_INPUT_NAMES: Record<keyof OnlineEndpointInputs, string> = { endpointName: 'endpoint-name', authMode: 'auth-mode', compute: 'compute-name' };

export interface LoadOnlineEndpointOptions extends SpecSourceOptions {
  inputs?: OnlineEndpointInputs;
  inputNames?: Partial<Record<keyof OnlineEndpointInputs, string>>;
}

export interface EndpointIdentity {
  type: 'SystemAssigned' | 'UserAssigned' | 'None';
  userAssignedIdentities?: Record<string, Record<string, never>>;
}

/** The PUT …/onlineEndpoints/{name} body; `location` is the workspace's and `compute` an ARM id (resolveEndpointBody). */
export interface OnlineEndpointBody {
  location?: string;
  tags: Record<string, string>;
  identity: EndpointIdentity;
  properties: {
    authMode: AuthMode;
    description?: string;
    properties: Record<string, string>;
    traffic: TrafficMap;
    mirrorTraffic: TrafficMap;
    publicNetworkAccess?: 'enabled' | 'disabled';
    compute?: string;
  };
}

export interface OnlineEndpointPlan {
  kind: 'managed' | 'kubernetes';
  name: string;
  body: OnlineEndpointBody;
  compute?: ComputeRef;
  /** Whether the auth mode was asked for (file or input), rather than the default. */
  authModeGiven: boolean;
  warnings: string[];
}


function readIdentity(r: SpecReader, e: MapEntry | undefined): EndpointIdentity {
  const f = r.map(e?.value, 'identity', ['type', 'user_assigned_identities', 'principal_id', 'tenant_id']);
  if (!f) return { type: 'SystemAssigned' };
  if (!f.type || r.isNull(f.type.value)) {
    r.fail(e!.value, 'Identity type not found in provided yaml file.', "Add 'type: system_assigned', 'user_assigned' or 'none'.");
    return { type: 'SystemAssigned' };
  }
  const type = r.choice(f.type, 'identity.type', ['system_assigned', 'user_assigned', 'none'], camelToSnake) ?? 'system_assigned';
  const out: EndpointIdentity = { type: snakeToPascal(type) as EndpointIdentity['type'] };
  const list = f.user_assigned_identities?.value;
  const items = list && !r.isNull(list) ? r.yaml.toJS(list) : undefined;
  if (items !== undefined && !Array.isArray(items)) r.fail(list, "'identity.user_assigned_identities' must be a list of {resource_id: …}");
  const entries = Array.isArray(items) ? items : [];
  if (entries.length > 1) r.fail(list, `Only 1 user assigned identity is currently supported, ${entries.length} found`);
  if (type === 'user_assigned' && entries.length === 0) r.fail(f.type.value, "a user_assigned identity needs 'user_assigned_identities' with the identity's resource_id");
  if (entries.length > 0) {
    out.userAssignedIdentities = {};
    (list as { items: Node[] }).items.forEach((item, i) => {
      const m = r.map(r.yaml.deref(item), `identity.user_assigned_identities[${i}]`, ['resource_id', 'client_id', 'object_id']);
      const id = m ? r.str(m.resource_id, 'resource_id') : undefined;
      if (m && id === undefined && !m.resource_id) r.fail(item, `'identity.user_assigned_identities[${i}]' needs 'resource_id'`);
      if (id !== undefined && !USER_IDENTITY.test(id)) {
        r.fail(m!.resource_id!.value, `'${id}' is not the ARM id of a user-assigned identity`, 'Expected /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>.');
      }
      if (id !== undefined) out.userAssignedIdentities![id] = {};
    });
  }
  return out;
}

function readCompute(r: SpecReader, e: MapEntry | undefined): ComputeRef | undefined {
  const v = r.str(e, 'compute');
  if (v === undefined) return undefined;
  if (!/^azureml:/i.test(v)) return r.fail(e!.value, `'compute' is '${v}': write the Kubernetes compute as azureml:<name> (or azureml:<ARM id>)`, `Write compute: azureml:${v}`);
  const ref = parseComputeRef(v);
  return 'problem' in ref ? r.fail(e!.value, ref.problem) : ref;
}

export function loadOnlineEndpointSpec(options: LoadOnlineEndpointOptions): OnlineEndpointPlan {
  const names = { ...ENDPOINT_INPUT_NAMES, ...options.inputNames };
  const overrides = givenInputs(options.inputs ?? {}, { endpointName: 'name', authMode: 'auth_mode', compute: 'compute' }, names, {
    endpointName: (v) => v.toLowerCase(),
    authMode: (v) => v.toLowerCase(),
    compute: (v) => (/^azureml:/i.test(v) ? v : `azureml:${v}`),
  });
  const spec = openSpec(options, overrides, { name: names.endpointName, auth_mode: names.authMode, compute: names.compute });
  const { reader: r, yaml, problems } = spec;
  const kubernetes = Boolean(spec.raw.compute) || spec.overridden.has('compute');
  const f = r.map(yaml.root, '', kubernetes ? KUBERNETES_KEYS : MANAGED_KEYS, IGNORED) ?? {};
  const name = r.str(f.name, 'name');
  if (!r.present(f.name)) {
    const message = `the endpoint has no name: set 'name' in the YAML, or give the '${names.endpointName}' input (az ml takes it from --name)`;
    if (spec.hasFile) r.fail(r.origin(yaml.root), message);
    else problems.add(inputError(message, { input: names.endpointName }));
  } else if (name !== undefined) {
    const problem = endpointNameProblem(name, 'endpoint');
    if (problem) r.fail(f.name!.value, problem);
  }
  const auth = r.choice(f.auth_mode, 'auth_mode', ['key', 'aml_token', 'aad_token'], camelToSnake) ?? 'key';
  const nodes: Record<string, Node | undefined> = {};
  const traffic = readTrafficMap(r, f.traffic, 'traffic', nodes);
  const mirrorTraffic = readTrafficMap(r, f.mirror_traffic, 'mirror_traffic', nodes);
  for (const p of trafficProblems(traffic, mirrorTraffic)) {
    r.fail(nodes[p.deployment ? `${p.map}.${p.deployment}` : p.map] ?? yaml.root, p.message);
  }
  const body: OnlineEndpointBody = {
    tags: r.stringMap(f.tags, 'tags') ?? {},
    identity: readIdentity(r, f.identity),
    properties: { authMode: AUTH[auth]!, properties: r.stringMap(f.properties, 'properties') ?? {}, traffic, mirrorTraffic },
  };
  const description = r.str(f.description, 'description', { freeText: true });
  if (description !== undefined) body.properties.description = description;
  const pna = r.choice(f.public_network_access, 'public_network_access', ['enabled', 'disabled']);
  if (pna) body.properties.publicNetworkAccess = pna;
  const compute = kubernetes ? readCompute(r, f.compute) : undefined;
  if (kubernetes && !compute && !f.compute) r.fail(yaml.root, "a Kubernetes endpoint needs 'compute'");
  const warnings = ['mirror_traffic', 'public_network_access']
    .filter((k) => f[k] && !r.isNull(f[k].value))
    .map((k) => `'${k}' is an experimental field and may change at any time.`);
  problems.throwIfAny(spec.hasFile ? yaml.file : 'the endpoint inputs');
  const plan: OnlineEndpointPlan = { kind: kubernetes ? 'kubernetes' : 'managed', name: name!, body, authModeGiven: r.present(f.auth_mode), warnings };
  if (compute) plan.compute = compute;
  return plan;
}

/** The endpoint body to send: the workspace location, and the compute as an ARM id. */
export function resolveEndpointBody(plan: OnlineEndpointPlan, target: { location: string; scope: WorkspaceScope }): OnlineEndpointBody {
  const properties = { ...plan.body.properties };
  if (plan.compute) properties.compute = computeId(plan.compute, target.scope);
  return { ...plan.body, location: target.location, properties };
}
