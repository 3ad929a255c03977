/**
 * What the service checks on an online deployment PUT (OnlineDeployment, discriminator endpointComputeType), and
 * the defaults it fills once the deployment succeeded (probes, request settings, scale settings, sku). The
 * Kubernetes-only checks (instance types of the compute, container resources, no registry assets): online-kubernetes.ts.
 */
import type { Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall } from './call';
import { propertiesOf } from './resource-helpers';
import { armError, userError } from './errors';
import { VM_SIZES, vmSize } from './vm-sizes';
import { isReply, resolveAsset } from './asset-refs';
import { checkKubernetesDeployment } from './online-kubernetes';

export const DEPLOYMENT_NAME = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
export const DEFAULT_INSTANCE_TYPE = 'Standard_F4s_v2';
const COMPUTE_TYPES = ['Managed', 'Kubernetes'];
const SCALE_TYPES = ['Default', 'TargetUtilization'];
const NETWORK = ['Enabled', 'Disabled'];
/** Longest request timeout a managed deployment accepts (request_timeout_ms ≤ 180000). */
const MAX_MANAGED_REQUEST_TIMEOUT_S = 180;

export const DEFAULT_PROBE = { failureThreshold: 30, successThreshold: 1, timeout: 'PT2S', period: 'PT10S', initialDelay: 'PT10S' };
export const DEFAULT_REQUEST_SETTINGS = { maxConcurrentRequestsPerInstance: 1, requestTimeout: 'PT5S', maxQueueWait: 'PT0.5S' };
const DEFAULT_TARGET_UTILIZATION = { scaleType: 'TargetUtilization', minInstances: 1, maxInstances: 1, pollingInterval: 'PT1S', targetUtilizationPercentage: 70 };

export function bad(message: string): Reply {
  return userError(message, { code: 'BadArgument', message });
}

const ISO = /^P(?!$)(?:(\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Seconds of an ISO 8601 duration (days and time only, as the service takes them), or undefined. */
export function isoSeconds(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = ISO.exec(v);
  if (!m) return undefined;
  const [d, h, min, s] = m.slice(1).map((x) => Number(x ?? 0));
  return d * 86400 + h * 3600 + min * 60 + s;
}

function enumOf(field: string, v: unknown, allowed: string[]): string | Reply {
  const hit = typeof v === 'string' ? allowed.find((a) => a.toLowerCase() === v.toLowerCase()) : undefined;
  return hit ?? bad(`'${field}' must be one of ${allowed.join(', ')}; got '${String(v)}'.`);
}

function checkInt(field: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): Reply | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    return bad(`'${field}' must be an integer${max === Number.MAX_SAFE_INTEGER ? ` of at least ${min}` : ` between ${min} and ${max}`}; got ${JSON.stringify(v)}.`);
  }
  return undefined;
}

function checkDuration(field: string, v: unknown): Reply | undefined {
  if (v === undefined || v === null) return undefined;
  return isoSeconds(v) === undefined ? bad(`'${field}' must be an ISO 8601 duration such as 'PT10S'; got ${JSON.stringify(v)}.`) : undefined;
}

function checkProbe(field: string, v: unknown): Reply | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) return bad(`'${field}' must be an object (ProbeSettings).`);
  return (
    checkInt(`${field}.failureThreshold`, v.failureThreshold, 1) ??
    checkInt(`${field}.successThreshold`, v.successThreshold, 1) ??
    checkDuration(`${field}.timeout`, v.timeout) ??
    checkDuration(`${field}.period`, v.period) ??
    checkDuration(`${field}.initialDelay`, v.initialDelay)
  );
}

function checkRequestSettings(v: unknown, managed: boolean): Reply | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) return bad("'requestSettings' must be an object (OnlineRequestSettings).");
  const r =
    checkInt('requestSettings.maxConcurrentRequestsPerInstance', v.maxConcurrentRequestsPerInstance, 1) ??
    checkDuration('requestSettings.requestTimeout', v.requestTimeout) ??
    checkDuration('requestSettings.maxQueueWait', v.maxQueueWait);
  if (r) return r;
  const t = isoSeconds(v.requestTimeout);
  if (managed && t !== undefined && (t <= 0 || t > MAX_MANAGED_REQUEST_TIMEOUT_S)) {
    return bad(`'requestSettings.requestTimeout' must be more than 0 and at most PT${MAX_MANAGED_REQUEST_TIMEOUT_S}S for a managed online deployment; got '${String(v.requestTimeout)}'.`);
  }
  return undefined;
}

function checkScale(v: unknown, managed: boolean): Reply | Json | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) return bad("'scaleSettings' must be an object with 'scaleType'.");
  const scaleType = enumOf('scaleSettings.scaleType', v.scaleType, SCALE_TYPES);
  if (typeof scaleType !== 'string') return scaleType;
  if (scaleType === 'TargetUtilization') {
    if (managed) return bad("Scale settings of type 'TargetUtilization' are not supported for managed online deployments; use 'Default' and set the instance count in 'sku.capacity'.");
    const r =
      checkInt('scaleSettings.minInstances', v.minInstances, 0) ??
      checkInt('scaleSettings.maxInstances', v.maxInstances, 1) ??
      checkInt('scaleSettings.targetUtilizationPercentage', v.targetUtilizationPercentage, 1, 100) ??
      checkDuration('scaleSettings.pollingInterval', v.pollingInterval);
    if (r) return r;
    if (typeof v.minInstances === 'number' && typeof v.maxInstances === 'number' && v.minInstances > v.maxInstances) {
      return bad(`'scaleSettings.minInstances' (${v.minInstances}) must not exceed 'scaleSettings.maxInstances' (${v.maxInstances}).`);
    }
  }
  return { ...v, scaleType };
}

export function checkCapacity(v: unknown): Reply | undefined {
  return checkInt('sku.capacity', v, 1, 50);
}

export interface CheckedDeployment {
  /** The body as stored while the operation runs (normalised enums, no service defaults). */
  echo: Json;
  /** The body installed on success (with the defaults the service fills). */
  desired: Json;
  managed: boolean;
  instanceType: string;
  capacity: number;
  model?: string;
}

function isMlflow(model: StoredResource | undefined): boolean {
  return !!model && /^mlflow/i.test(String(propertiesOf(model.body).modelType ?? ''));
}

export function checkDeployment(c: ArmCall, endpoint: StoredResource, incoming: Json): Reply | CheckedDeployment {
  const name = c.names[2];
  if (!DEPLOYMENT_NAME.test(name) || name.length < 3 || name.length > 32) {
    return bad(`Invalid deployment name '${name}': it must be 3-32 characters, start with a letter, contain only letters, digits and '-', and not end with '-'.`);
  }
  if (typeof incoming.location !== 'string' || !incoming.location) return armError(400, 'LocationRequired', 'The location property is required for this definition.');
  if (!isObject(incoming.properties)) return bad("The 'properties' field is required.");
  const p = { ...incoming.properties };
  if (p.endpointComputeType === undefined || p.endpointComputeType === null) {
    return bad(`'properties.endpointComputeType' is required and must be one of ${COMPUTE_TYPES.join(', ')}.`);
  }
  const computeType = enumOf('properties.endpointComputeType', p.endpointComputeType, COMPUTE_TYPES);
  if (typeof computeType !== 'string') return computeType;
  p.endpointComputeType = computeType;
  const managed = computeType === 'Managed';
  const endpointCompute = propertiesOf(endpoint.body).compute;
  if (managed && endpointCompute) return bad(`Endpoint '${c.names[1]}' is a Kubernetes online endpoint (compute '${String(endpointCompute)}'); its deployments must have endpointComputeType 'Kubernetes'.`);
  if (!managed && !endpointCompute) return bad(`Endpoint '${c.names[1]}' is a managed online endpoint; its deployments must have endpointComputeType 'Managed'.`);

  if (p.instanceType !== undefined && p.instanceType !== null && (typeof p.instanceType !== 'string' || !p.instanceType)) return bad("'properties.instanceType' must be a string.");
  const instanceType = (p.instanceType as string | undefined) ?? DEFAULT_INSTANCE_TYPE;
  if (managed) {
    const size = vmSize(instanceType);
    if (!size) return bad(`Instance type '${instanceType}' is not supported for managed online deployments. Supported instance types: ${VM_SIZES.map((s) => s.name).join(', ')}.`);
    p.instanceType = size.name;
  } else {
    const k8s = checkKubernetesDeployment(c, endpoint, p);
    if (isReply(k8s)) return k8s;
    p.instanceType = k8s.instanceType;
  }
  if (incoming.sku !== undefined && incoming.sku !== null && !isObject(incoming.sku)) return bad("'sku' must be an object.");
  const sku = (incoming.sku ?? {}) as Json;
  if (isObject(incoming.sku) && (typeof sku.name !== 'string' || !sku.name)) return bad("'sku.name' is required when 'sku' is given (e.g. 'Default').");
  const capBad = checkCapacity(sku.capacity);
  if (capBad) return capBad;
  const capacity = (sku.capacity as number | undefined) ?? 1;

  const scale = checkScale(p.scaleSettings, managed);
  if (isReply(scale)) return scale;
  if (scale) p.scaleSettings = scale;
  const r =
    checkProbe('livenessProbe', p.livenessProbe) ??
    checkProbe('readinessProbe', p.readinessProbe) ??
    checkProbe('startupProbe', p.startupProbe) ??
    checkRequestSettings(p.requestSettings, managed);
  if (r) return r;
  if (p.environmentVariables !== undefined && p.environmentVariables !== null) {
    if (!isObject(p.environmentVariables) || Object.values(p.environmentVariables).some((x) => typeof x !== 'string')) {
      return bad("'environmentVariables' must be a map of string to string.");
    }
  }
  if (p.appInsightsEnabled !== undefined && p.appInsightsEnabled !== null && typeof p.appInsightsEnabled !== 'boolean') return bad("'appInsightsEnabled' must be a boolean.");
  if (p.egressPublicNetworkAccess !== undefined && p.egressPublicNetworkAccess !== null) {
    const e = enumOf('egressPublicNetworkAccess', p.egressPublicNetworkAccess, NETWORK);
    if (typeof e !== 'string') return e;
    p.egressPublicNetworkAccess = e;
  }

  let model: StoredResource | undefined;
  if (p.model !== undefined && p.model !== null) {
    const m = resolveAsset(c.state, 'properties.model', 'models', p.model);
    if (isReply(m)) return m;
    if ('resource' in m) model = m.resource;
  }
  let envInference = false;
  if (p.environmentId !== undefined && p.environmentId !== null) {
    const e = resolveAsset(c.state, 'properties.environmentId', 'environments', p.environmentId);
    if (isReply(e)) return e;
    envInference = 'resource' in e && isObject(propertiesOf(e.resource.body).inferenceConfig);
  } else if (!isMlflow(model)) {
    return bad("'properties.environmentId' is required unless the model is an MLflow model (modelType mlflow_model), which the service can deploy without an environment and scoring script.");
  }
  const code = p.codeConfiguration;
  if (code !== undefined && code !== null) {
    if (!isObject(code)) return bad("'codeConfiguration' must be an object with 'scoringScript'.");
    if (typeof code.scoringScript !== 'string' || !code.scoringScript.length) return bad("'codeConfiguration.scoringScript' is required and must not be empty.");
    if (code.codeId !== undefined && code.codeId !== null) {
      const cd = resolveAsset(c.state, 'properties.codeConfiguration.codeId', 'codes', code.codeId);
      if (isReply(cd)) return cd;
    }
  } else if (!isMlflow(model) && !envInference && p.environmentId) {
    return bad("'properties.codeConfiguration' (codeId and scoringScript) is required for a model that is not an MLflow model, unless the environment is a custom inference container (inferenceConfig).");
  }
  const echo: Json = { ...incoming, location: String(c.workspace!.body.location), properties: p };
  if (isObject(incoming.sku)) echo.sku = { ...sku };
  const desiredProps: Json = {
    appInsightsEnabled: false,
    egressPublicNetworkAccess: 'Enabled',
    properties: {},
    environmentVariables: {},
    ...p,
    instanceType: p.instanceType,
    livenessProbe: { ...DEFAULT_PROBE, ...(p.livenessProbe as Json | undefined) },
    readinessProbe: { ...DEFAULT_PROBE, ...(p.readinessProbe as Json | undefined) },
    requestSettings: { ...DEFAULT_REQUEST_SETTINGS, ...(p.requestSettings as Json | undefined) },
    scaleSettings: p.scaleSettings ?? (managed ? { scaleType: 'Default' } : DEFAULT_TARGET_UTILIZATION),
  };
  const desired: Json = { ...echo, sku: { name: 'Default', tier: 'Standard', ...sku, capacity }, properties: desiredProps };
  return { echo, desired, managed, instanceType: String(p.instanceType ?? instanceType), capacity, model: typeof p.model === 'string' ? p.model : undefined };
}
