/**
 * deploy-arc's compute inputs, read before signing in: the compute's name, and what to attach when it does not
 * exist yet (or `attach: true`): the cluster, the namespace, the instance types and the identity.
 */
import { parse } from 'yaml';
import { inputError } from '../../core/errors';
import { checkComputeName, DNS_LABEL } from '../../core/names';
import type { InstanceTypeSpec } from '../../azureml/computes';
import { clusterKind } from '../../azureml/computes';
import { parseResource } from '../../online/kubernetes-quantity';
import type { StepContext } from '../definition';

export interface AttachSettings {
  clusterId: string;
  namespace: string;
  instanceTypes?: Record<string, InstanceTypeSpec>;
  defaultInstanceType?: string;
  identity: { type: 'SystemAssigned' | 'UserAssigned' | 'None'; userAssignedIdentities?: Record<string, Record<string, never>> };
}

export interface ComputeInputs {
  /** The compute's name (from compute-name, else the endpoint file's compute). */
  name?: string;
  /** Attach (or re-attach with these settings) when true; when the compute is missing, attach when a cluster is given. */
  attach: boolean;
  settings?: AttachSettings;
}

const RESOURCES = ['cpu', 'memory', 'nvidia.com/gpu'];
const USER_IDENTITY = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i;

function fail(message: string, input = 'instance-types'): never {
  throw inputError(`Input '${input}': ${message}`, { input });
}

function quantities(where: string, value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) fail(`${where} must be a mapping of resource to quantity (cpu, memory, nvidia.com/gpu).`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const resource = k === 'gpu' ? 'nvidia.com/gpu' : k;
    if (!RESOURCES.includes(resource)) fail(`${where} has '${k}'; the resources are cpu, memory and nvidia.com/gpu.`);
    const text = typeof v === 'number' ? String(v) : v;
    if (typeof text !== 'string' || parseResource(resource, text) === undefined) {
      fail(`${where}.${k} is '${String(v)}', which is not a Kubernetes ${resource === 'cpu' ? 'CPU quantity (e.g. 500m or 2)' : resource === 'memory' ? 'memory quantity (e.g. 512Mi or 4Gi)' : 'GPU count'}.`);
    }
    out[resource] = text;
  }
  return out;
}

/** The `instance-types` input: YAML, instance type name → requests, limits and a node selector. */
export function parseInstanceTypes(text: string): Record<string, InstanceTypeSpec> {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    fail(`not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) fail('a mapping of instance type name to {requests, limits, node_selector} is expected.');
  const out: Record<string, InstanceTypeSpec> = {};
  for (const [name, raw] of Object.entries(doc as Record<string, unknown>)) {
    if (!DNS_LABEL.test(name)) fail(`instance type name '${name}' must be lower-case letters, digits and '-' (at most 63, starting and ending with a letter or digit).`);
    const spec = (raw ?? {}) as Record<string, unknown>;
    if (typeof spec !== 'object' || Array.isArray(spec)) fail(`${name} must be a mapping with requests, limits and node_selector.`);
    for (const k of Object.keys(spec)) if (!['requests', 'limits', 'node_selector', 'nodeSelector'].includes(k)) fail(`${name} has '${k}'; expected requests, limits or node_selector.`);
    const requests = quantities(`${name}.requests`, spec.requests);
    const limits = quantities(`${name}.limits`, spec.limits);
    for (const [resource, req] of Object.entries(requests ?? {})) {
      const lim = limits?.[resource];
      if (lim !== undefined && parseResource(resource, req)! > parseResource(resource, lim)!) fail(`${name} requests ${resource} ${req}, more than its limit ${lim}.`);
    }
    const selector = spec.node_selector ?? spec.nodeSelector;
    if (selector !== undefined && selector !== null && (typeof selector !== 'object' || Object.values(selector).some((v) => typeof v !== 'string'))) {
      fail(`${name}.node_selector must be a mapping of node label to string value.`);
    }
    out[name] = { nodeSelector: (selector as Record<string, string> | undefined) ?? null, resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) } };
  }
  if (Object.keys(out).length === 0) fail('names no instance type.');
  return out;
}

function readIdentity(value: string | undefined): AttachSettings['identity'] {
  const v = value?.trim();
  if (!v || /^system[_-]?assigned$/i.test(v)) return { type: 'SystemAssigned' };
  if (/^none$/i.test(v)) return { type: 'None' };
  if (USER_IDENTITY.test(v)) return { type: 'UserAssigned', userAssignedIdentities: { [v]: {} } };
  return fail(`'${v}' is not system_assigned, none, or the ARM id of a user-assigned identity.`, 'compute-identity');
}

export function readComputeInputs(ctx: StepContext): ComputeInputs {
  const { inputs } = ctx;
  const name = inputs.string('compute-name');
  if (name !== undefined) checkComputeName(name, 'compute-name');
  const attach = inputs.boolean('attach');
  const clusterId = inputs.string('cluster-id')?.trim();
  if (clusterId === undefined) {
    for (const i of ['namespace', 'instance-types', 'default-instance-type', 'compute-identity']) {
      if (inputs.string(i) !== undefined) fail(`'${i}' describes the attach, which needs 'cluster-id' (the Arc-enabled or AKS cluster).`, i);
    }
    if (attach) fail("'attach: true' needs 'cluster-id': the Arc-enabled (Microsoft.Kubernetes/connectedClusters) or AKS (Microsoft.ContainerService/managedClusters) cluster to attach.", 'cluster-id');
    return { name, attach };
  }
  if (!clusterKind(clusterId)) {
    fail(
      `'${clusterId}' is not the ARM id of an Arc-enabled cluster (/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Kubernetes/connectedClusters/<name>) or an AKS cluster (…/providers/Microsoft.ContainerService/managedClusters/<name>).`,
      'cluster-id',
    );
  }
  const namespace = inputs.string('namespace')?.trim() ?? 'default';
  if (!DNS_LABEL.test(namespace)) fail(`'${namespace}' is not a Kubernetes namespace name (lower-case letters, digits and '-', at most 63).`, 'namespace');
  const typesText = inputs.string('instance-types');
  const instanceTypes = typesText !== undefined ? parseInstanceTypes(typesText) : undefined;
  const defaultInstanceType = inputs.string('default-instance-type')?.trim();
  if (defaultInstanceType !== undefined && instanceTypes && !instanceTypes[defaultInstanceType]) {
    fail(`'${defaultInstanceType}' is not one of the instance types given (${Object.keys(instanceTypes).join(', ')}).`, 'default-instance-type');
  }
  return { name, attach, settings: { clusterId, namespace, instanceTypes, defaultInstanceType, identity: readIdentity(inputs.string('compute-identity')) } };
}
