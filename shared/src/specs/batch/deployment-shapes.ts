/**
 * The two bodies a batch deployment can have (reference §3.3, §3.4): a scoring deployment (`type: model` with its
 * `settings:` block, or the legacy flat form) with model, environment, code and compute; and a pipeline component
 * deployment, whose `deploymentConfiguration` names the component and carries its `settings` map.
 */
import type { ComputeRef } from '../common/compute-ref';
import { readCodeConfiguration, type CodeSource } from '../online/code-source';
import { readEnvironment, type EnvironmentSource } from '../online/environment-source';
import { readModel, type ModelSource } from '../online/model-source';
import type { BatchDeploymentProperties, ShapeContext } from './deployment-spec';
import { readComponentSource, type ComponentSource } from './pipeline-source';
import { readCompute, readResources, readRunSettings, RUN_SETTING_KEYS } from './run-settings';

export interface Shape {
  properties: BatchDeploymentProperties;
  model?: ModelSource;
  environment?: EnvironmentSource;
  code?: CodeSource;
  component?: ComponentSource;
  compute?: ComputeRef;
}

const MODEL_SETTINGS_KEYS = [...RUN_SETTING_KEYS, 'instance_count', 'environment_variables'];
/** The service's mini-batch size when none is given; used only when there is no file (az ml always has one). */
const SERVICE_MINI_BATCH_SIZE = 10;

/** Model (`type: model`) and legacy deployments. */
export function readScoringShape(ctx: ShapeContext): Shape {
  const { spec, f, kind, names, warnings, missing } = ctx;
  const r = spec.reader;
  const sources = { file: spec.file, cwd: spec.cwd, kubernetes: false };
  const model = readModel(r, f.model, sources);
  const environment = readEnvironment(r, f.environment, sources);
  const cc = readCodeConfiguration(r, f.code_configuration, sources);
  const props: BatchDeploymentProperties = { properties: r.stringMap(f.properties, 'properties') ?? {} };
  if (model?.kind === 'ref' && model.ref.form === 'id') props.model = { referenceType: 'Id', assetId: model.ref.id };
  if (environment?.kind === 'ref' && environment.ref.form === 'id') props.environmentId = environment.ref.id;
  if (cc?.scoringScript !== undefined) {
    props.codeConfiguration = { scoringScript: cc.scoringScript };
    if (cc.code?.kind === 'ref' && cc.code.ref.form === 'id') props.codeConfiguration.codeId = cc.code.ref.id;
  }
  const compute = readCompute(r, f.compute);
  let resources = readResources(r, f.resources, warnings);

  if (kind === 'model') {
    if (!r.present(f.compute)) missing('compute', 'compute', names.compute, 'a model deployment runs on a compute cluster, e.g. azureml:batch-cluster');
    if (!r.present(f.model)) missing('model', 'model', names.model, 'e.g. azureml:<model-name>@latest');
    const s = r.map(f.settings?.value, 'settings', MODEL_SETTINGS_KEYS);
    if (!s && spec.hasFile) {
      r.fail(f.settings ? (f.settings.value ?? f.settings.keyNode) : r.origin(r.yaml.root), "a model deployment (type: model) needs a 'settings' block with at least 'mini_batch_size'", "Add settings: {mini_batch_size: 10}, or give the 'mini-batch-size' input.");
    }
    Object.assign(props, readRunSettings(r, s ?? {}, 'settings.'));
    if (s && !r.present(s.mini_batch_size) && spec.hasFile) {
      r.fail(f.settings!.value, "'settings.mini_batch_size' is required in a model deployment's settings", `Add mini_batch_size under settings, or give the '${names.miniBatchSize}' input.`);
    }
    if (props.miniBatchSize === undefined && !spec.hasFile && !r.present(s?.mini_batch_size)) props.miniBatchSize = SERVICE_MINI_BATCH_SIZE;
    // settings.instance_count fills resources.instance_count only when that is unset.
    const count = r.int(s?.instance_count, 'settings.instance_count', { min: 1 });
    if (count !== undefined && resources?.instanceCount === undefined) resources = { ...(resources ?? { properties: {} }), instanceCount: count };
    const env = r.stringMap(s?.environment_variables, 'settings.environment_variables');
    if (env) props.environmentVariables = env;
    // Read (so a bad value fails as in az ml) and dropped: the model deployment takes them only from settings.
    if (r.present(f.error_threshold)) {
      r.int(f.error_threshold, 'error_threshold', { min: -1 });
      warnings.push("'error_threshold' at the top level of a model deployment is accepted but ignored (az ml reads it only under 'settings'); move it to settings.error_threshold.");
    }
    if (r.present(f.environment_variables)) {
      r.stringMap(f.environment_variables, 'environment_variables');
      warnings.push("'environment_variables' at the top level of a model deployment is accepted but ignored (az ml reads it only under 'settings'); move it to settings.environment_variables.");
    }
  } else {
    Object.assign(props, readRunSettings(r, f, ''));
    props.environmentVariables = r.stringMap(f.environment_variables, 'environment_variables') ?? {};
    for (const k of ['component', 'job_definition']) {
      if (r.present(f[k])) warnings.push(`'${k}' is accepted by the legacy loader (no 'type') but not sent; add 'type: pipeline' to deploy a pipeline component.`);
    }
  }
  if (resources) props.resources = resources;

  const shape: Shape = { properties: props };
  if (model) shape.model = model;
  if (environment) shape.environment = environment;
  if (cc?.code) shape.code = cc.code;
  if (compute) shape.compute = compute;
  return shape;
}

/** Pipeline component deployments (`type: pipeline`). */
export function readPipelineShape(ctx: ShapeContext): Shape {
  const { spec, f, warnings } = ctx;
  const r = spec.reader;
  const component = readComponentSource(r, f, spec.file, warnings);
  const config: NonNullable<BatchDeploymentProperties['deploymentConfiguration']> = { deploymentConfigurationType: 'PipelineComponent' };
  if (component?.kind === 'ref' && component.ref.form === 'id') config.componentId = { referenceType: 'Id', assetId: component.ref.id };
  // A string→string map on the wire; non-strings are sent as Python's str() gives them (False, 3). No ARM resolution of default_compute.
  const settings = r.stringMap(f.settings, 'settings');
  if (settings) config.settings = settings;
  for (const k of ['properties', 'model', 'environment', 'code_configuration', 'environment_variables']) {
    if (r.present(f[k])) warnings.push(`'${k}' is accepted in a pipeline deployment but not sent: the pipeline component defines what runs.`);
  }
  const shape: Shape = { properties: { deploymentConfiguration: config } };
  if (component) shape.component = component;
  return shape;
}
