/**
 * `az ml batch-deployment create -f deployment.yml` files → the BatchDeployment PUT body (reference §3.2–3.4).
 * The file's own `type` picks the loader, as the CLI does: `model` (scoring settings under `settings:`),
 * `pipeline` (a pipeline component), anything else the legacy flat form. Without a file the inputs make a model
 * deployment. The model, environment, code and component are left as sources for the step to resolve
 * (withResolvedBatchAssets), the compute as a reference.
 */
import { isScalar } from 'yaml';
import { inputError } from '../../core/errors';
import type { ComputeRef } from '../common/compute-ref';
import { endpointNameProblem } from '../common/names';
import { camelToSnake } from '../online/casing';
import type { CodeSource } from '../online/code-source';
import type { EnvironmentSource } from '../online/environment-source';
import type { ModelSource } from '../online/model-source';
import { givenInputs } from '../online/overrides';
import type { Entries } from '../online/reader';
import { openSpec, type OpenedSpec, type SpecSourceOptions } from '../online/spec-source';
import { readPipelineShape, readScoringShape } from './deployment-shapes';
import type { ComponentSource } from './pipeline-source';
import { RUN_SETTING_KEYS, type BatchResources, type BatchRetrySettings } from './run-settings';

export type BatchDeploymentKind = 'model' | 'pipeline' | 'legacy';

const DEPLOYMENT_KEYS = ['name', 'endpoint_name', 'description', 'tags', 'properties', 'model', 'code_configuration', 'environment', 'environment_variables'];
const KEYS: Record<BatchDeploymentKind, readonly string[]> = {
  model: [...DEPLOYMENT_KEYS, 'type', 'compute', 'error_threshold', 'resources', 'settings'],
  legacy: [...DEPLOYMENT_KEYS, 'type', 'compute', ...RUN_SETTING_KEYS, 'resources', 'job_definition', 'component'],
  pipeline: [...DEPLOYMENT_KEYS, 'type', 'component', 'job_definition', 'settings'],
};
/** Dump-only and read-only keys: accepted and dropped (`id` is a field the SDK reads and never sends). */
const IGNORED: Record<BatchDeploymentKind, readonly string[]> = {
  model: ['$schema', 'id'],
  legacy: ['$schema', 'id', 'creation_context', 'provisioning_state'],
  pipeline: ['$schema', 'id'],
};

export interface BatchDeploymentInputs {
  endpointName?: string;
  deploymentName?: string;
  model?: string;
  environment?: string;
  code?: string;
  scoringScript?: string;
  compute?: string;
  instanceCount?: string | number;
  miniBatchSize?: string | number;
  outputAction?: string;
  outputFileName?: string;
  maxRetries?: string | number;
  retryTimeout?: string | number;
  errorThreshold?: string | number;
  maxConcurrencyPerInstance?: string | number;
}

export const BATCH_DEPLOYMENT_INPUT_NAMES: Record<keyof BatchDeploymentInputs, string> = {
  endpointName: 'endpoint-name',
  deploymentName: 'deployment-name',
  model: 'model',
  environment: 'environment',
  code: 'code',
  scoringScript: 'scoring-script',
  compute: 'compute',
  instanceCount: 'instance-count',
  miniBatchSize: 'mini-batch-size',
  outputAction: 'output-action',
  outputFileName: 'output-file-name',
  maxRetries: 'max-retries',
  retryTimeout: 'retry-timeout',
  errorThreshold: 'error-threshold',
  maxConcurrencyPerInstance: 'max-concurrency-per-instance',
};

type Input = keyof BatchDeploymentInputs;
const RUN_INPUTS: Partial<Record<Input, string>> = {
  miniBatchSize: 'mini_batch_size',
  outputAction: 'output_action',
  outputFileName: 'output_file_name',
  maxRetries: 'retry_settings.max_retries',
  retryTimeout: 'retry_settings.timeout',
  errorThreshold: 'error_threshold',
  maxConcurrencyPerInstance: 'max_concurrency_per_instance',
};

/** The key path each input sets: run settings go under `settings.` for a model deployment; a pipeline takes only the names. */
function targetsFor(kind: BatchDeploymentKind): Partial<Record<Input, string>> {
  const names = { endpointName: 'endpoint_name', deploymentName: 'name' };
  if (kind === 'pipeline') return names;
  const prefix = kind === 'model' ? 'settings.' : '';
  const run = Object.fromEntries(Object.entries(RUN_INPUTS).map(([k, path]) => [k, prefix + path]));
  return { ...names, model: 'model', environment: 'environment', code: 'code_configuration.code', scoringScript: 'code_configuration.scoring_script', compute: 'compute', instanceCount: 'resources.instance_count', ...run };
}

export interface LoadBatchDeploymentOptions extends SpecSourceOptions {
  /** Single-value step inputs; they override the `set` lines, which override the file. */
  inputs?: BatchDeploymentInputs;
  inputNames?: Partial<Record<Input, string>>;
}

export interface AssetIdReference {
  referenceType: 'Id';
  assetId: string;
}

export interface PipelineComponentConfiguration {
  deploymentConfigurationType: 'PipelineComponent';
  /** Filled when the component reference is final; else by withResolvedBatchAssets. */
  componentId?: AssetIdReference;
  settings?: Record<string, string>;
}

export interface BatchDeploymentProperties {
  description?: string;
  /** Model and legacy deployments (always sent, `{}` when absent). */
  properties?: Record<string, string>;
  /** An ARM id: filled by withResolvedBatchAssets from the plan's `compute`. */
  compute?: string;
  /** Filled when the model reference is final; else by withResolvedBatchAssets. */
  model?: AssetIdReference;
  environmentId?: string;
  codeConfiguration?: { codeId?: string; scoringScript: string };
  environmentVariables?: Record<string, string>;
  resources?: BatchResources;
  miniBatchSize?: number;
  maxConcurrencyPerInstance?: number;
  errorThreshold?: number;
  outputAction?: 'AppendRow' | 'SummaryOnly';
  outputFileName?: string;
  /** As written (info stays info): the SDK does not re-case it. */
  loggingLevel?: string;
  retrySettings?: BatchRetrySettings;
  deploymentConfiguration?: PipelineComponentConfiguration;
}

/** The PUT …/batchEndpoints/{endpointName}/deployments/{name} body; `location` is the workspace's (withResolvedBatchAssets). */
export interface BatchDeploymentBody {
  location?: string;
  tags: Record<string, string>;
  properties: BatchDeploymentProperties;
}

export interface BatchDeploymentPlan {
  kind: BatchDeploymentKind;
  /** URL segment: verbatim from the file; lower-cased from an input or set line (as az ml does). */
  endpointName: string;
  /** URL segment: lower-cased for model and legacy deployments, verbatim for pipeline ones (as the SDK). */
  name: string;
  body: BatchDeploymentBody;
  model?: ModelSource;
  environment?: EnvironmentSource;
  code?: CodeSource;
  /** Pipeline deployments: what to deploy. */
  component?: ComponentSource;
  /** Model and legacy deployments: the compute cluster (sent as its ARM id). */
  compute?: ComputeRef;
  /** Accepted-but-ignored keys and other things az ml would pass over silently. */
  warnings: string[];
}

/** What the rest of the loader needs from the opened spec. */
export interface ShapeContext {
  spec: OpenedSpec;
  f: Entries;
  kind: BatchDeploymentKind;
  names: Record<Input, string>;
  warnings: string[];
  /** Records "the deployment has no X" at the file (or as an input error without one). */
  missing: (what: string, key: string, input: string, why: string) => undefined;
}

function kindOf(type: unknown, hasFile: boolean): BatchDeploymentKind {
  if (type === 'model' || (!hasFile && (type === undefined || type === null))) return 'model';
  return type === 'pipeline' ? 'pipeline' : 'legacy';
}

/** `type` problems: a value the CLI would hand to the legacy loader by mistake, or one an override tries to change. */
function checkType(ctx: ShapeContext): void {
  const { spec, f, kind } = ctx;
  const r = spec.reader;
  const e = f.type;
  if (!r.present(e)) return;
  const text = isScalar(e.value) ? String(e.value.value) : '';
  if (!r.fromFile(e.value)) {
    const expected = kind === 'legacy' ? undefined : kind;
    if (text !== expected) r.fail(e.value, `'type' cannot be changed by a set line or input: az ml picks the loader from the file's own 'type' (${expected ?? 'none: the legacy flat form'})`);
    return;
  }
  if (kind !== 'legacy') return;
  if (['model', 'pipeline'].includes(text.toLowerCase())) {
    r.fail(e.value, `type '${text}' is read by the legacy loader: az ml picks the ${text.toLowerCase()} deployment loader only for 'type: ${text.toLowerCase()}' in lower case`);
  } else r.fail(e.value, `'type' is '${text}'; expected model or pipeline (or no 'type' for the legacy flat form)`);
}

export function loadBatchDeploymentSpec(options: LoadBatchDeploymentOptions): BatchDeploymentPlan {
  const names = { ...BATCH_DEPLOYMENT_INPUT_NAMES, ...options.inputNames };
  const given = options.inputs ?? {};
  let kind = 'model' as BatchDeploymentKind;
  const misapplied: Input[] = [];
  const inputFor: Record<string, string> = { name: names.deploymentName, endpoint_name: names.endpointName, model: names.model, environment: names.environment, code: names.code, scoring_script: names.scoringScript, compute: names.compute };
  for (const [k, path] of Object.entries(RUN_INPUTS)) inputFor[path] = inputFor[`settings.${path}`] = names[k as Input];
  const spec = openSpec(
    options,
    (raw, hasFile) => {
      kind = kindOf(raw.type, hasFile);
      const targets = targetsFor(kind);
      for (const k of Object.keys(given) as Input[]) if (targets[k] === undefined && String(given[k] ?? '').trim() !== '') misapplied.push(k);
      const applicable = Object.fromEntries(Object.entries(targets).filter(([k]) => !misapplied.includes(k as Input))) as Record<Input, string>;
      return givenInputs(given, applicable, names, { outputAction: camelToSnake });
    },
    inputFor,
    { lowerCase: ['endpoint_name'] },
  );
  const { reader: r, yaml, problems } = spec;
  for (const k of misapplied) {
    problems.add(inputError(`Input '${names[k]}' does not apply to a pipeline deployment (type: pipeline)`, { input: names[k], hint: 'A pipeline deployment takes its compute and run settings from its settings map (e.g. a set line settings.default_compute=<cluster>).' }));
  }
  const f = r.map(yaml.root, '', KEYS[kind], IGNORED[kind]) ?? {};
  const warnings: string[] = [];
  const rootOrigin = r.origin(yaml.root);
  const missing = (what: string, key: string, input: string, why: string): undefined => {
    const message = `the deployment has no ${what}: set '${key}' in the YAML, or give the '${input}' input (${why})`;
    if (spec.hasFile) r.fail(rootOrigin, message);
    else problems.add(inputError(message, { input }));
    return undefined;
  };
  const ctx: ShapeContext = { spec, f, kind, names, warnings, missing };
  checkType(ctx);

  const rawName = r.present(f.name) ? r.str(f.name, 'name') : missing('name', 'name', names.deploymentName, 'az ml takes it from --name');
  const endpointName = r.present(f.endpoint_name) ? r.str(f.endpoint_name, 'endpoint_name') : missing('endpoint name', 'endpoint_name', names.endpointName, 'az ml takes it from --endpoint-name');
  for (const [v, e, what] of [[rawName, f.name, 'deployment'], [endpointName, f.endpoint_name, 'endpoint']] as const) {
    const problem = v === undefined ? undefined : endpointNameProblem(v, what);
    if (problem) r.fail(e!.value, problem);
  }

  const shape = kind === 'pipeline' ? readPipelineShape(ctx) : readScoringShape(ctx);
  const description = r.str(f.description, 'description', { freeText: true });
  if (description !== undefined) shape.properties.description = description;
  const body: BatchDeploymentBody = { tags: r.stringMap(f.tags, 'tags') ?? {}, properties: shape.properties };
  problems.throwIfAny(spec.hasFile ? yaml.file : 'the deployment inputs');
  const { properties: _, ...sources } = shape;
  return { kind, endpointName: endpointName!, name: kind === 'pipeline' ? rawName! : rawName!.toLowerCase(), body, ...sources, warnings };
}
