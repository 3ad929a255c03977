/**
 * What the service checks on a compute PUT (ComputeResource, discriminator `properties.computeType`) for the one
 * kind the emulator attaches, Kubernetes (AmlCompute clusters are seeded, not created: arm/aml-computes.ts): the cluster id, the namespace, the instance types and their resources,
 * the default instance type. A compute without instance types offers `defaultinstancetype`, as the Azure ML
 * extension creates it (requests cpu 100m / memory 2Gi, limits cpu 2 / memory 2Gi).
 */
import type { Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall } from './call';
import { userError } from './errors';
import { checkRequestsAndLimits } from './k8s-quantity';
import { parseClusterId } from './kubernetes-clusters';

export const COMPUTE_TYPES = ['AKS', 'Kubernetes', 'AmlCompute', 'ComputeInstance', 'DataFactory', 'VirtualMachine', 'HDInsight', 'Databricks', 'DataLakeAnalytics', 'SynapseSpark'];
export const DEFAULT_K8S_INSTANCE_TYPE = 'defaultinstancetype';
export const DEFAULT_K8S_INSTANCE_TYPE_SPEC: Json = {
  nodeSelector: null,
  resources: { requests: { cpu: '100m', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi', 'nvidia.com/gpu': null } },
};
export const DEFAULT_NAMESPACE = 'default';

/** Compute names: 3-24 characters, a letter first, then letters, digits and '-', not ending with '-'. */
const COMPUTE_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
/** A Kubernetes DNS label (namespaces, instance type names). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function bad(message: string): Reply {
  return userError(message, { code: 'BadArgument', message });
}

function isDnsLabel(s: string): boolean {
  return s.length <= 63 && DNS_LABEL.test(s);
}

export interface CheckedCompute {
  /** Normalised `properties` of the compute (no read-only or secret fields). */
  properties: Json;
  location: string;
  tags: Json;
  identity?: Json;
  cluster: StoredResource;
}

function optionalString(field: string, v: unknown): Reply | undefined {
  return v === undefined || v === null || typeof v === 'string' ? undefined : bad(`'${field}' must be a string.`);
}

function checkInstanceTypes(v: unknown): Reply | Json {
  if (!isObject(v)) return bad("'properties.properties.instanceTypes' must be a map of instance type name to {nodeSelector, resources}.");
  const out: Json = {};
  for (const [name, spec] of Object.entries(v)) {
    if (!isDnsLabel(name)) {
      return bad(`Instance type name '${name}' is invalid: it must be at most 63 characters of lowercase letters, digits and '-', starting and ending with a letter or digit.`);
    }
    if (spec !== null && !isObject(spec)) return bad(`Instance type '${name}' must be an object with 'nodeSelector' and 'resources'.`);
    const s = spec ?? {};
    const sel = s.nodeSelector;
    if (sel !== undefined && sel !== null && (!isObject(sel) || Object.values(sel).some((x) => typeof x !== 'string'))) {
      return bad(`Instance type '${name}': 'nodeSelector' must be a map of label to string value, or null.`);
    }
    const res = s.resources;
    if (res !== undefined && res !== null && !isObject(res)) return bad(`Instance type '${name}': 'resources' must be an object with 'requests' and 'limits'.`);
    const r = isObject(res) ? res : {};
    const problem = checkRequestsAndLimits(`Instance type '${name}'`, r.requests, r.limits, (map, resource) => (resource === undefined ? `resources.${map}` : `resources.${map}['${resource}']`));
    if (problem) return bad(problem);
    out[name] = { nodeSelector: sel ?? null, resources: { requests: r.requests ?? {}, limits: r.limits ?? {} } };
  }
  return out;
}

/** The Kubernetes `properties.properties` as stored: namespace, instance types, default instance type. */
function checkKubernetesProperties(v: unknown): Reply | Json {
  if (v !== undefined && v !== null && !isObject(v)) return bad("'properties.properties' must be an object (KubernetesProperties).");
  const p = isObject(v) ? v : {};
  for (const f of ['namespace', 'defaultInstanceType', 'extensionInstanceReleaseTrain', 'extensionPrincipalId', 'vcName', 'relayConnectionString', 'serviceBusConnectionString']) {
    const r = optionalString(`properties.properties.${f}`, p[f]);
    if (r) return r;
  }
  const namespace = (p.namespace as string | undefined) || DEFAULT_NAMESPACE;
  if (!isDnsLabel(namespace)) {
    return bad(`Namespace '${namespace}' is invalid: a Kubernetes namespace must be at most 63 characters of lowercase letters, digits and '-', starting and ending with a letter or digit.`);
  }
  const given = p.instanceTypes !== undefined && p.instanceTypes !== null && !(isObject(p.instanceTypes) && Object.keys(p.instanceTypes).length === 0);
  let instanceTypes: Json = { [DEFAULT_K8S_INSTANCE_TYPE]: DEFAULT_K8S_INSTANCE_TYPE_SPEC };
  if (given) {
    const checked = checkInstanceTypes(p.instanceTypes);
    if ('status' in checked) return checked;
    instanceTypes = checked;
  }
  const names = Object.keys(instanceTypes);
  let defaultInstanceType = names.includes(DEFAULT_K8S_INSTANCE_TYPE) ? DEFAULT_K8S_INSTANCE_TYPE : names[0];
  if (typeof p.defaultInstanceType === 'string' && p.defaultInstanceType) {
    const hit = names.find((n) => n.toLowerCase() === String(p.defaultInstanceType).toLowerCase());
    if (!hit) {
      return bad(`Default instance type '${p.defaultInstanceType}' is not one of the compute's instance types (${names.join(', ')}).`);
    }
    defaultInstanceType = hit;
  }
  return {
    namespace,
    defaultInstanceType,
    instanceTypes,
    extensionInstanceReleaseTrain: (p.extensionInstanceReleaseTrain as string | undefined) || 'stable',
    extensionPrincipalId: (p.extensionPrincipalId as string | undefined) ?? null,
    vcName: (p.vcName as string | undefined) ?? null,
  };
}

/** Checks a Kubernetes compute PUT (everything but the cluster's extension, which the operation finds out). */
export function checkCompute(c: ArmCall): Reply | CheckedCompute {
  const name = c.names[1];
  if (!COMPUTE_NAME.test(name)) {
    return bad(`Invalid compute name '${name}': it must be 3-24 characters, start with a letter, contain only letters, digits and '-', and not end with '-'.`);
  }
  const body = c.body;
  if (!isObject(body)) return bad('The request body is required and must be a JSON object.');
  if (body.location !== undefined && body.location !== null && typeof body.location !== 'string') return bad("'location' must be a string.");
  if (body.tags !== undefined && body.tags !== null && !isObject(body.tags)) return bad("'tags' must be a map of string to string.");
  if (body.identity !== undefined && body.identity !== null && !isObject(body.identity)) return bad("'identity' must be an object.");
  if (!isObject(body.properties)) return bad("The 'properties' field is required (Compute, with 'computeType').");
  const p = body.properties;
  if (p.computeType === undefined || p.computeType === null) return bad(`'properties.computeType' is required and must be one of ${COMPUTE_TYPES.join(', ')}.`);
  const computeType = COMPUTE_TYPES.find((t) => typeof p.computeType === 'string' && t.toLowerCase() === p.computeType.toLowerCase());
  if (!computeType) return bad(`'properties.computeType' must be one of ${COMPUTE_TYPES.join(', ')}; got '${String(p.computeType)}'.`);
  if (computeType === 'AmlCompute') {
    return bad(
      "The emulator does not create or update AmlCompute clusters through ARM (computeType 'AmlCompute'): use a seeded cluster " +
        "(cpu-cluster or gpu-cluster in the default workspace) or add one with POST /_emulator/batch/computes.",
    );
  }
  if (computeType !== 'Kubernetes') {
    return bad(`The emulator supports only Kubernetes attach (computeType 'Kubernetes'); computeType '${computeType}' cannot be created here.`);
  }
  if (typeof p.resourceId !== 'string' || !p.resourceId.trim()) {
    return bad("'properties.resourceId' is required: the ARM id of the Microsoft.Kubernetes/connectedClusters or Microsoft.ContainerService/managedClusters cluster to attach.");
  }
  const ref = parseClusterId(p.resourceId);
  if (ref === undefined) {
    return bad(`'properties.resourceId' '${p.resourceId}' is not an ARM resource id; expected /subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.Kubernetes/connectedClusters/{name} or .../providers/Microsoft.ContainerService/managedClusters/{name}.`);
  }
  if (ref === 'other-type') {
    return bad(`'properties.resourceId' '${p.resourceId}' is not a Kubernetes cluster: a Kubernetes compute attaches a Microsoft.Kubernetes/connectedClusters or Microsoft.ContainerService/managedClusters resource.`);
  }
  const cluster = c.state.resources[ref.id.toLowerCase()];
  if (!cluster) return bad(`The Kubernetes cluster '${p.resourceId}' named in 'properties.resourceId' was not found.`);
  for (const f of ['description', 'computeLocation']) {
    const r = optionalString(`properties.${f}`, p[f]);
    if (r) return r;
  }
  if (p.disableLocalAuth !== undefined && p.disableLocalAuth !== null && typeof p.disableLocalAuth !== 'boolean') return bad("'properties.disableLocalAuth' must be a boolean.");
  const k8s = checkKubernetesProperties(p.properties);
  if ('status' in k8s) return k8s as Reply;
  const location = (body.location as string | undefined) || String(c.workspace!.body.location);
  return {
    location,
    tags: (body.tags as Json | undefined) ?? {},
    identity: isObject(body.identity) ? body.identity : undefined,
    cluster,
    properties: {
      computeType,
      computeLocation: (p.computeLocation as string | undefined) ?? location,
      description: (p.description as string | undefined) ?? null,
      resourceId: p.resourceId.trim(),
      disableLocalAuth: (p.disableLocalAuth as boolean | undefined) ?? false,
      properties: k8s,
    },
  };
}

/** What a PUT asks for, to tell an identical re-PUT from a change (secrets and read-only fields left out). */
export function computeSpec(location: string, tags: unknown, identity: unknown, props: Json): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])])) : v;
  const { provisioningState: _s, provisioningErrors: _e, isAttachedCompute: _a, createdOn: _c, modifiedOn: _m, ...rest } = props;
  const idType = isObject(identity) ? String(identity.type ?? '') : '';
  return JSON.stringify(sorted({ location: location.toLowerCase(), tags: tags ?? {}, idType, ...rest, resourceId: String(rest.resourceId ?? '').toLowerCase() }));
}
