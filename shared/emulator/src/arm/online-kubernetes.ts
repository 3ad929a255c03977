/**
 * What the service checks for Kubernetes online endpoints (`properties.compute` set) and deployments
 * (`endpointComputeType: Kubernetes`) beside the checks all online resources share: the endpoint's compute is a
 * Succeeded Kubernetes compute of the same workspace and never changes; no mirrored traffic; a deployment's
 * instance type is one of the compute's; its container resources keep request ≤ limit; no registry assets.
 * Kubernetes endpoints also refuse any operation while another runs on the endpoint or one of its deployments.
 */
import type { ArmState, Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall } from './call';
import { childrenOf, propertiesOf } from './resource-helpers';
import { userError } from './errors';
import { busy } from '../lro/settle';
import { ML_PROVIDER } from './target';
import { checkRequestsAndLimits } from './k8s-quantity';
import { computeOfEndpoint, instanceTypesOf } from './kubernetes-capacity';

const COMPUTE_ID = new RegExp(`^(/subscriptions/[^/]+/resourceGroups/[^/]+/providers/${ML_PROVIDER}/workspaces/[^/]+)/computes/([^/]+)$`, 'i');
const REGISTRY_ARM = new RegExp(`/providers/${ML_PROVIDER}/registries/`, 'i');
const CONTAINER_RESOURCES = ['cpu', 'memory', 'gpu'];

function bad(message: string): Reply {
  return userError(message, { code: 'BadArgument', message });
}

function computeRef(props: Json | undefined): string {
  const v = props?.compute;
  return typeof v === 'string' ? v.trim() : '';
}

/** True for an endpoint with a compute (now or once its running operation ends). */
export function isKubernetesEndpoint(endpoint: StoredResource | undefined): boolean {
  return !!endpoint && (computeRef(propertiesOf(endpoint.body)) !== '' || (!!endpoint.pending && computeRef(propertiesOf(endpoint.pending)) !== ''));
}

/** An operation runs on a deployment of this endpoint (other than `exceptId`). */
export function deploymentBusy(state: ArmState, endpoint: StoredResource, now: number, exceptId?: string): boolean {
  return childrenOf(state, endpoint.id, 'deployments').some((d) => d.id.toLowerCase() !== exceptId?.toLowerCase() && busy(state, d, now));
}

/** Endpoint PUT: the compute (when set) and what a Kubernetes endpoint may not have; `prev` is the endpoint being updated. */
export function checkEndpointCompute(c: ArmCall, props: Json, prev: StoredResource | undefined): Reply | undefined {
  const raw = props.compute;
  if (raw !== undefined && raw !== null && typeof raw !== 'string') return bad("'properties.compute' must be a string: the ARM id of a Kubernetes compute.");
  const ref = computeRef(props);
  const before = prev ? computeRef(propertiesOf(prev.body)) : '';
  if (prev && before.toLowerCase() !== ref.toLowerCase()) {
    return bad(
      `The compute of online endpoint '${c.names[1]}' cannot be changed (from '${before || 'none: a managed endpoint'}' to '${ref || 'none: a managed endpoint'}'); ` +
        'delete the endpoint and create it again on the other compute.',
    );
  }
  if (!ref) return undefined;
  const ws = c.workspace!;
  const m = COMPUTE_ID.exec(ref);
  if (!m) return bad(`'properties.compute' must be the ARM id of a Kubernetes compute in workspace '${c.names[0]}' (${ws.id}/computes/{name}); got '${ref}'.`);
  if (m[1].toLowerCase() !== ws.id.toLowerCase()) return bad(`Compute '${ref}' is not in workspace '${c.names[0]}'; a Kubernetes online endpoint uses a compute of its own workspace.`);
  const compute = c.state.resources[ref.toLowerCase()];
  if (!compute) return bad(`Compute '${m[2]}' was not found in workspace '${c.names[0]}' (properties.compute '${ref}').`);
  const cp = propertiesOf(compute.body);
  if (cp.computeType !== 'Kubernetes') {
    return bad(`Compute '${m[2]}' is of type '${String(cp.computeType)}'; an online endpoint with 'properties.compute' needs a Kubernetes compute.`);
  }
  if (cp.provisioningState !== 'Succeeded' || busy(c.state, compute, c.now)) {
    return bad(`Compute '${m[2]}' is not ready (provisioningState '${String(cp.provisioningState)}'); a Kubernetes online endpoint needs a Succeeded Kubernetes compute.`);
  }
  const mirror = props.mirrorTraffic;
  if (isObject(mirror) && Object.values(mirror).some((v) => typeof v === 'number' && v !== 0)) {
    return bad("Mirror traffic is not supported for Kubernetes online endpoints; 'mirrorTraffic' must be empty (or every value 0).");
  }
  return undefined;
}

function registryRef(v: unknown): boolean {
  return typeof v === 'string' && (/^azureml:\/\/registries\//i.test(v.trim()) || REGISTRY_ARM.test(v));
}

export interface KubernetesDeploymentCheck {
  instanceType: string;
  compute: StoredResource;
}

/** Deployment PUT on a Kubernetes endpoint: registry references, the instance type, container resources. */
export function checkKubernetesDeployment(c: ArmCall, endpoint: StoredResource, p: Json): Reply | KubernetesDeploymentCheck {
  const code = isObject(p.codeConfiguration) ? p.codeConfiguration.codeId : undefined;
  for (const [what, ref] of [['model', p.model], ['environment', p.environmentId], ['code', code]] as const) {
    if (registryRef(ref)) {
      return bad(`Registry reference for ${what} '${String(ref)}' is not supported for Kubernetes deployments; use a ${what} registered in the workspace.`);
    }
  }
  const compute = computeOfEndpoint(c.state, endpoint);
  if (!compute) return bad(`The compute '${computeRef(propertiesOf(endpoint.body))}' of online endpoint '${c.names[1]}' was not found.`);
  const computeName = compute.id.slice(compute.id.lastIndexOf('/') + 1);
  const types = Object.keys(instanceTypesOf(compute));
  const k8s = propertiesOf(compute.body).properties;
  const fallback = isObject(k8s) && typeof k8s.defaultInstanceType === 'string' ? k8s.defaultInstanceType : types[0];
  const wanted = typeof p.instanceType === 'string' && p.instanceType ? p.instanceType : fallback;
  const instanceType = types.find((n) => n.toLowerCase() === String(wanted).toLowerCase());
  if (!instanceType) {
    return bad(`Instance type '${String(wanted)}' is not found in Kubernetes compute '${computeName}'. Available instance types: ${types.join(', ')}.`);
  }
  const req = p.containerResourceRequirements;
  if (req !== undefined && req !== null) {
    if (!isObject(req)) return bad("'containerResourceRequirements' must be an object with containerResourceRequests and containerResourceLimits.");
    for (const part of ['containerResourceRequests', 'containerResourceLimits'] as const) {
      const v = req[part];
      if (v === undefined || v === null) continue;
      if (!isObject(v)) return bad(`'containerResourceRequirements.${part}' must be an object with cpu, memory and gpu strings.`);
      const unknown = Object.keys(v).filter((k) => !CONTAINER_RESOURCES.includes(k));
      if (unknown.length) return bad(`'containerResourceRequirements.${part}' has unknown resources ${unknown.map((k) => `'${k}'`).join(', ')}; use cpu, memory and gpu.`);
    }
    const problem = checkRequestsAndLimits('Deployment resources', req.containerResourceRequests, req.containerResourceLimits, (map, resource) => {
      const part = map === 'requests' ? 'containerResourceRequests' : 'containerResourceLimits';
      return `'containerResourceRequirements.${part}${resource === undefined ? '' : `.${resource}`}'`;
    });
    if (problem) return bad(problem);
  }
  return { instanceType, compute };
}
