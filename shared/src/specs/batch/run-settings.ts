/**
 * The scoring-run settings of a batch deployment (reference §3.3), read from the `settings:` block of a
 * `type: model` deployment or from the top level of a legacy one: integers, the output action and file, the
 * logging level (sent verbatim), retry settings (seconds → ISO-8601), and the compute and `resources`.
 */
import { isMap } from 'yaml';
import { parseComputeRef, type ComputeRef } from '../common/compute-ref';
import { secondsToIsoDuration } from '../online/iso-duration';
import type { Entries, SpecReader } from '../online/reader';
import type { MapEntry } from '../yaml-source';

/** The keys both shapes share (under `settings:` for a model deployment, at the top level for a legacy one). */
export const RUN_SETTING_KEYS = ['mini_batch_size', 'max_concurrency_per_instance', 'error_threshold', 'output_action', 'output_file_name', 'logging_level', 'retry_settings'] as const;

const RESOURCE_KEYS = ['instance_count', 'instance_type', 'properties'];
/** JobResourceConfiguration keys the schema reads but the BatchDeployment `resources` contract has no place for. */
const RESOURCE_EXTRAS = ['locations', 'shm_size', 'docker_args', 'max_instance_count'];
const LOGGING_LEVELS = ['info', 'warning', 'debug'];

export interface BatchRetrySettings {
  maxRetries?: number;
  timeout?: string;
}

export interface BatchResources {
  instanceCount?: number;
  instanceType?: string;
  properties: Record<string, unknown>;
}

export interface RunSettings {
  miniBatchSize?: number;
  maxConcurrencyPerInstance?: number;
  errorThreshold?: number;
  outputAction?: 'AppendRow' | 'SummaryOnly';
  outputFileName?: string;
  loggingLevel?: string;
  retrySettings?: BatchRetrySettings;
}

const OUTPUT_ACTIONS = { append_row: 'AppendRow', summary_only: 'SummaryOnly' } as const;

/** Reads the run settings from `f`; `prefix` is 'settings.' or '' (for messages). */
export function readRunSettings(r: SpecReader, f: Entries, prefix: string): RunSettings {
  const out: RunSettings = {};
  const int = (k: string, min: number): number | undefined => r.int(f[k], `${prefix}${k}`, { min });
  const set = <K extends keyof RunSettings>(k: K, v: RunSettings[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set('miniBatchSize', int('mini_batch_size', 1));
  set('maxConcurrencyPerInstance', int('max_concurrency_per_instance', 1));
  // "Range is [-1, int.MaxValue]; -1 ignores all failures" (the SDK's field description).
  set('errorThreshold', int('error_threshold', -1));
  const action = r.choice(f.output_action, `${prefix}output_action`, ['append_row', 'summary_only']);
  if (action) out.outputAction = OUTPUT_ACTIONS[action];
  const file = r.str(f.output_file_name, `${prefix}output_file_name`);
  if (file !== undefined) {
    if (action === 'summary_only') r.fail(f.output_file_name!.value, 'When output_action is set to summary_only, the output_file_name need not to be specified.', `Remove '${prefix}output_file_name', or use output_action: append_row.`);
    out.outputFileName = file;
  }
  const level = r.str(f.logging_level, `${prefix}logging_level`);
  if (level !== undefined) {
    // Sent as written (the SDK does not re-case it); the service takes Info, Warning or Debug in any case.
    if (!LOGGING_LEVELS.includes(level.trim().toLowerCase())) r.fail(f.logging_level!.value, `'${prefix}logging_level' is '${level}'; expected one of ${LOGGING_LEVELS.join(', ')}`);
    out.loggingLevel = level;
  }
  const retry = r.map(f.retry_settings?.value, `${prefix}retry_settings`, ['max_retries', 'timeout']);
  if (retry) {
    const settings: BatchRetrySettings = {};
    const max = r.int(retry.max_retries, `${prefix}retry_settings.max_retries`, { min: 0 });
    if (max !== undefined) settings.maxRetries = max;
    const seconds = r.int(retry.timeout, `${prefix}retry_settings.timeout`, { min: 0 });
    const timeout = seconds === undefined ? undefined : secondsToIsoDuration(seconds);
    if (timeout !== undefined) settings.timeout = timeout;
    out.retrySettings = settings;
  }
  return out;
}

/** `resources`; the JobResourceConfiguration extras are accepted and reported in `warnings`, not sent. */
export function readResources(r: SpecReader, e: MapEntry | undefined, warnings: string[]): BatchResources | undefined {
  const f = r.map(e?.value, 'resources', [...RESOURCE_KEYS, ...RESOURCE_EXTRAS]);
  if (!f) return undefined;
  const out: BatchResources = { properties: {} };
  const count = r.int(f.instance_count, 'resources.instance_count', { min: 1 });
  if (count !== undefined) out.instanceCount = count;
  const type = r.str(f.instance_type, 'resources.instance_type');
  if (type !== undefined) out.instanceType = type;
  const props = f.properties?.value;
  if (props && !r.isNull(props)) {
    if (isMap(props)) out.properties = r.yaml.toJS(props) as Record<string, unknown>;
    else r.fail(props, "'resources.properties' must be a mapping");
  }
  for (const k of RESOURCE_EXTRAS) {
    if (r.present(f[k])) warnings.push(`'resources.${k}' is accepted but not sent: a batch deployment's resources carry only instance_count, instance_type and properties.`);
  }
  return out;
}

/** `compute`: `azureml:<name>`, a bare name, or an ARM id (with or without `azureml:`). */
export function readCompute(r: SpecReader, e: MapEntry | undefined): ComputeRef | undefined {
  const v = r.str(e, 'compute');
  if (v === undefined) return undefined;
  const ref = parseComputeRef(v.trim());
  return 'problem' in ref ? r.fail(e!.value, ref.problem, 'Name a compute cluster of the workspace: compute: azureml:<cluster-name>.') : ref;
}
