/**
 * The nested settings of an online deployment and their REST shapes (reference §1.1, §1.3): request settings
 * and probes (milliseconds / seconds → ISO-8601, 0 dropped), scale settings, Kubernetes resources, data collector.
 */
import { isMap } from 'yaml';
import type { MapEntry } from '../yaml-source';
import { camelToSnake } from './casing';
import { msToIsoDuration, secondsToIsoDuration } from './iso-duration';
import type { SpecReader } from './reader';

export interface RequestSettings {
  requestTimeout?: string;
  maxQueueWait?: string;
  maxConcurrentRequestsPerInstance?: number;
}

export interface ProbeSettings {
  failureThreshold?: number;
  successThreshold?: number;
  timeout?: string;
  period?: string;
  initialDelay?: string;
}

export type ScaleSettings =
  | { scaleType: 'Default' }
  | { scaleType: 'TargetUtilization'; minInstances?: number; maxInstances?: number; pollingInterval?: string; targetUtilizationPercentage?: number };

export interface ResourceSet {
  cpu?: string;
  memory?: string;
  gpu?: string;
}

export interface ContainerResourceRequirements {
  containerResourceRequests?: ResourceSet;
  containerResourceLimits?: ResourceSet;
}

export interface DataCollection {
  dataCollectionMode: 'enabled' | 'disabled';
  clientId?: string;
  samplingRate?: number;
  /** Filled by the step with the Data asset it creates for the collection (see DataCollectionAsset). */
  dataId?: string;
}

export interface DataCollector {
  collections: Record<string, DataCollection>;
  rollingRate?: string;
  requestLogging?: { captureHeaders: string[] };
}

/** A Data asset the SDK creates (or finds) for a collection before the PUT; `dataId` is its version's ARM id. */
export interface DataCollectionAsset {
  collection: string;
  name: string;
  version: string;
  path: string;
}

function compact<T extends object>(o: T): T | undefined {
  const out = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return Object.keys(out).length === 0 ? undefined : out;
}

export function readRequestSettings(r: SpecReader, e: MapEntry | undefined): RequestSettings | undefined {
  const f = r.map(e?.value, 'request_settings', ['request_timeout_ms', 'max_queue_wait_ms', 'max_concurrent_requests_per_instance']);
  if (!f) return undefined;
  const ms = (k: string): string | undefined => {
    const n = r.int(f[k], `request_settings.${k}`, { min: 0 });
    return n === undefined ? undefined : msToIsoDuration(n);
  };
  const out = compact<RequestSettings>({
    requestTimeout: ms('request_timeout_ms'),
    maxQueueWait: ms('max_queue_wait_ms'),
    maxConcurrentRequestsPerInstance: r.int(f.max_concurrent_requests_per_instance, 'request_settings.max_concurrent_requests_per_instance', { min: 1 }),
  });
  // An empty mapping is still an object the SDK sends.
  return out ?? {};
}

export function readProbe(r: SpecReader, e: MapEntry | undefined, key: 'liveness_probe' | 'readiness_probe'): ProbeSettings | undefined {
  const f = r.map(e?.value, key, ['failure_threshold', 'success_threshold', 'timeout', 'period', 'initial_delay']);
  if (!f) return undefined;
  const secs = (k: string): string | undefined => {
    const n = r.int(f[k], `${key}.${k}`, { min: 0 });
    return n === undefined ? undefined : secondsToIsoDuration(n);
  };
  return (
    compact<ProbeSettings>({
      failureThreshold: r.int(f.failure_threshold, `${key}.failure_threshold`, { min: 1 }),
      successThreshold: r.int(f.success_threshold, `${key}.success_threshold`, { min: 1 }),
      timeout: secs('timeout'),
      period: secs('period'),
      initialDelay: secs('initial_delay'),
    }) ?? {}
  );
}


export function readScaleSettings(r: SpecReader, e: MapEntry | undefined, kubernetes: boolean): ScaleSettings | undefined {
  if (!e || r.isNull(e.value)) return undefined;
  const TU = ['type', 'min_instances', 'max_instances', 'polling_interval', 'target_utilization_percentage'];
  const probe = r.map(e.value, 'scale_settings', TU);
  if (!probe) return undefined;
  const type = r.choice(probe.type, 'scale_settings.type', ['default', 'target_utilization'], camelToSnake);
  if (type === undefined) {
    if (!probe.type) r.fail(e.value, "'scale_settings' needs 'type' (default or target_utilization)");
    return undefined;
  }
  if (type === 'default') return { scaleType: 'Default' };
  if (!kubernetes) return r.fail(probe.type!.value, 'ManagedOnlineEndpoint supports DefaultScaleSettings only.', "Remove 'scale_settings' or use type: default; scale a managed deployment with instance_count.");
  const min = r.int(probe.min_instances, 'scale_settings.min_instances', { min: 0 });
  const max = r.int(probe.max_instances, 'scale_settings.max_instances', { min: 1 });
  if (min !== undefined && max !== undefined && min > max) r.fail(probe.min_instances!.value, `'scale_settings.min_instances' (${min}) is more than 'max_instances' (${max})`);
  const polling = r.int(probe.polling_interval, 'scale_settings.polling_interval', { min: 0 });
  return {
    scaleType: 'TargetUtilization',
    ...compact({
      minInstances: min,
      maxInstances: max,
      pollingInterval: polling === undefined ? undefined : secondsToIsoDuration(polling),
      targetUtilizationPercentage: r.int(probe.target_utilization_percentage, 'scale_settings.target_utilization_percentage', { min: 1, max: 100 }),
    }),
  };
}

function readResourceSet(r: SpecReader, e: MapEntry | undefined, key: string): ResourceSet | undefined {
  const f = r.map(e?.value, key, ['cpu', 'memory', 'gpu', 'nvidia.com/gpu']);
  if (!f) return undefined;
  const gpu = f['nvidia.com/gpu'] ?? f.gpu;
  return compact<ResourceSet>({ cpu: r.str(f.cpu, `${key}.cpu`), memory: r.str(f.memory, `${key}.memory`), gpu: r.str(gpu, `${key}.${gpu?.key ?? 'gpu'}`) }) ?? {};
}

export function readResources(r: SpecReader, e: MapEntry | undefined): ContainerResourceRequirements | undefined {
  const f = r.map(e?.value, 'resources', ['requests', 'limits']);
  if (!f) return undefined;
  return compact({
    containerResourceRequests: readResourceSet(r, f.requests, 'resources.requests'),
    containerResourceLimits: readResourceSet(r, f.limits, 'resources.limits'),
  }) ?? {};
}

/** `data_collector`; `assets` lists the Data assets to create, defaulted from the endpoint and deployment names. */
export function readDataCollector(
  r: SpecReader,
  e: MapEntry | undefined,
  endpoint: string,
  deployment: string,
): { collector: DataCollector; assets: DataCollectionAsset[] } | undefined {
  const f = r.map(e?.value, 'data_collector', ['collections', 'sampling_rate', 'rolling_rate', 'request_logging']);
  if (!f) return undefined;
  const rate = r.float(f.sampling_rate, 'data_collector.sampling_rate');
  if (rate !== undefined && (rate < 0 || rate > 1)) r.fail(f.sampling_rate!.value, 'Sampling rate must be an number in range (0.0-1.0)');
  const collections: Record<string, DataCollection> = {};
  const assets: DataCollectionAsset[] = [];
  const cols = f.collections?.value;
  if (r.isNull(cols)) r.fail(e!.value, "'data_collector' needs 'collections'");
  else if (!isMap(cols)) r.fail(cols, "'data_collector.collections' must be a mapping of collection names to settings");
  for (const c of isMap(cols) ? r.yaml.entries(cols) : []) {
    const scope = `data_collector.collections.${c.key}`;
    const col = r.map(c.value, scope, ['enabled', 'data', 'client_id']);
    if (!col) {
      r.fail(c.value ?? c.keyNode, `'${scope}' needs 'enabled'`);
      continue;
    }
    const enabledRaw = col.enabled && r.isNull(col.enabled.value) ? undefined : col.enabled;
    const enabled = enabledRaw ? r.bool(enabledRaw, `${scope}.enabled`) : r.fail(c.value, `'${scope}.enabled' is required (true or false)`);
    const out: DataCollection = { dataCollectionMode: enabled ? 'enabled' : 'disabled' };
    const client = r.str(col.client_id, `${scope}.client_id`);
    if (client !== undefined) out.clientId = client;
    if (rate !== undefined) out.samplingRate = rate;
    collections[c.key] = out;
    const data = r.map(col.data?.value, `${scope}.data`, ['name', 'version', 'path']);
    assets.push({
      collection: c.key,
      name: r.str(data?.name, `${scope}.data.name`) ?? `${endpoint}-${deployment}-${c.key}`,
      version: (data?.version && !r.isNull(data.version.value) ? String(r.yaml.toJS(data.version.value)) : undefined) ?? '1',
      path: r.str(data?.path, `${scope}.data.path`) ?? `azureml://datastores/workspaceblobstore/paths/modelDataCollector/${endpoint}/${deployment}/${c.key}`,
    });
  }
  const collector: DataCollector = { collections };
  const rolling = r.choice(f.rolling_rate, 'data_collector.rolling_rate', ['minute', 'hour', 'day']);
  if (rolling) collector.rollingRate = rolling;
  const logging = r.map(f.request_logging?.value, 'data_collector.request_logging', ['capture_headers']);
  if (logging) collector.requestLogging = { captureHeaders: r.strings(logging.capture_headers, 'capture_headers') ?? [] };
  return { collector, assets };
}
