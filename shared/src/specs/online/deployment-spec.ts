/**
 * `az ml online-deployment create -f deployment.yml` files → the OnlineDeployment PUT body (reference §1), with
 * the model, environment and code left as sources for the step to resolve (see withResolvedAssets).
 */
import { isScalar } from 'yaml';
import { inputError } from '../../core/errors';
import { readCodeConfiguration, type CodeSource } from './code-source';
import {
  readDataCollector,
  readProbe,
  readRequestSettings,
  readResources,
  readScaleSettings,
  type ContainerResourceRequirements,
  type DataCollectionAsset,
  type DataCollector,
  type ProbeSettings,
  type RequestSettings,
  type ScaleSettings,
} from './deployment-settings';
import { readEnvironment, type EnvironmentSource } from './environment-source';
import { readModel, type ModelSource } from './model-source';
import { endpointNameProblem } from '../common/names';
import { givenInputs } from './overrides';
import { openSpec, type SpecSourceOptions } from './spec-source';

const COMMON = ['name', 'endpoint_name', 'type', 'description', 'tags', 'properties', 'model', 'code_configuration', 'environment', 'environment_variables', 'app_insights_enabled', 'scale_settings', 'request_settings', 'liveness_probe', 'readiness_probe', 'instance_type', 'instance_count', 'model_mount_path', 'data_collector'];
const MANAGED_KEYS = [...COMMON, 'egress_public_network_access', 'private_network_connection'];
const KUBERNETES_KEYS = [...COMMON, 'resources'];
const IGNORED = ['$schema', 'id', 'provisioning_state', 'creation_context'];
const SMALL_SKUS = ['standard_ds1_v2', 'standard_ds2_v2'];

export interface OnlineDeploymentInputs {
  endpointName?: string;
  deploymentName?: string;
  model?: string;
  environment?: string;
  code?: string;
  scoringScript?: string;
  instanceType?: string;
  instanceCount?: string | number;
}

const TARGETS: Record<keyof OnlineDeploymentInputs, string> = {
  endpointName: 'endpoint_name',
  deploymentName: 'name',
  model: 'model',
  environment: 'environment',
  code: 'code_configuration.code',
  scoringScript: 'code_configuration.scoring_script',
  instanceType: 'instance_type',
  instanceCount: 'instance_count',
};

export const DEPLOYMENT_INPUT_NAMES: Record<keyof OnlineDeploymentInputs, string> = {
  endpointName: 'endpoint-name',
  deploymentName: 'deployment-name',
  model: 'model',
  environment: 'environment',
  code: 'code',
  scoringScript: 'scoring-script',
  instanceType: 'instance-type',
  instanceCount: 'instance-count',
};

export interface LoadOnlineDeploymentOptions extends SpecSourceOptions {
  /** Single-value step inputs; they override the `set` lines, which override the file. */
  inputs?: OnlineDeploymentInputs;
  inputNames?: Partial<Record<keyof OnlineDeploymentInputs, string>>;
  /** Without a file, the kind of deployment the inputs make (default managed); a file's own `type:` decides otherwise. */
  kindWithoutFile?: 'managed' | 'kubernetes';
}

export interface OnlineDeploymentProperties {
  endpointComputeType: 'Managed' | 'Kubernetes';
  description?: string;
  properties: Record<string, string>;
  environmentVariables: Record<string, string>;
  appInsightsEnabled: boolean;
  instanceType?: string;
  /** Filled when the model reference is final; else by withResolvedAssets. */
  model?: string;
  environmentId?: string;
  codeConfiguration?: { codeId?: string; scoringScript: string };
  modelMountPath?: string;
  scaleSettings?: ScaleSettings;
  requestSettings?: RequestSettings;
  livenessProbe?: ProbeSettings;
  readinessProbe?: ProbeSettings;
  egressPublicNetworkAccess?: 'enabled' | 'disabled';
  privateNetworkConnection?: boolean;
  containerResourceRequirements?: ContainerResourceRequirements;
  dataCollector?: DataCollector;
}

/** The PUT …/onlineEndpoints/{endpointName}/deployments/{name} body; `location` is the workspace's (withResolvedAssets). */
export interface OnlineDeploymentBody {
  location?: string;
  tags: Record<string, string>;
  sku: { name: 'Default'; capacity?: number };
  properties: OnlineDeploymentProperties;
}

export interface OnlineDeploymentPlan {
  kind: 'managed' | 'kubernetes';
  /** URL segment, verbatim. */
  endpointName: string;
  /** URL segment, lower-cased as the SDK does. */
  name: string;
  body: OnlineDeploymentBody;
  model?: ModelSource;
  environment?: EnvironmentSource;
  code?: CodeSource;
  /** Data assets to create (or find) for `data_collector` collections before the PUT. */
  dataCollections: DataCollectionAsset[];
  /** What az ml warns about (small SKUs, experimental fields). */
  warnings: string[];
}

/** Loads a deployment YAML (or only inputs), applies `set` and the inputs, and validates it against the contract. */
export function loadOnlineDeploymentSpec(options: LoadOnlineDeploymentOptions): OnlineDeploymentPlan {
  const names = { ...DEPLOYMENT_INPUT_NAMES, ...options.inputNames };
  const inputFor = Object.fromEntries(Object.entries(TARGETS).map(([k, path]) => [path.replace(/^code_configuration\./, ''), names[k as keyof OnlineDeploymentInputs]]));
  const spec = openSpec(options, givenInputs(options.inputs ?? {}, TARGETS, names), inputFor);
  const { reader: r, yaml, problems } = spec;
  const kubernetes = spec.raw.type === 'kubernetes' || (!spec.hasFile && options.kindWithoutFile === 'kubernetes');
  const f = r.map(yaml.root, '', kubernetes ? KUBERNETES_KEYS : MANAGED_KEYS, IGNORED) ?? {};
  const warnings: string[] = [];
  const rootOrigin = r.origin(yaml.root);
  const missing = (what: string, key: string, input: string, why: string): undefined => {
    const message = `the deployment has no ${what}: set '${key}' in the YAML, or give the '${input}' input (${why})`;
    if (spec.hasFile) r.fail(rootOrigin, message);
    else problems.add(inputError(message, { input }));
    return undefined;
  };

  if (!kubernetes && f.type && isScalar(f.type.value) && String(f.type.value.value).toLowerCase() === 'kubernetes') {
    r.fail(f.type.value, `type '${String(f.type.value.value)}' is read as a managed deployment: az ml picks the Kubernetes schema only for 'type: kubernetes' in lower case`);
  } else if (!kubernetes && f.type) r.choice(f.type, 'type', ['managed']);
  const rawName = r.present(f.name) ? r.str(f.name, 'name') : missing('name', 'name', names.deploymentName, 'az ml takes it from --name');
  const endpointName = r.present(f.endpoint_name) ? r.str(f.endpoint_name, 'endpoint_name') : missing('endpoint name', 'endpoint_name', names.endpointName, 'az ml takes it from --endpoint-name');
  const name = rawName?.toLowerCase();
  for (const [v, e, what] of [[rawName, f.name, 'deployment'], [endpointName, f.endpoint_name, 'endpoint']] as const) {
    const problem = v === undefined ? undefined : endpointNameProblem(v, what);
    if (problem) r.fail(e!.value, problem);
  }

  const sources = { file: spec.file, cwd: spec.cwd, kubernetes };
  const model = readModel(r, f.model, sources);
  const environment = readEnvironment(r, f.environment, sources);
  const codeConfiguration = readCodeConfiguration(r, f.code_configuration, sources);

  const props: OnlineDeploymentProperties = {
    endpointComputeType: kubernetes ? 'Kubernetes' : 'Managed',
    properties: r.stringMap(f.properties, 'properties') ?? {},
    environmentVariables: r.stringMap(f.environment_variables, 'environment_variables') ?? {},
    appInsightsEnabled: r.bool(f.app_insights_enabled, 'app_insights_enabled') ?? false,
  };
  const description = r.str(f.description, 'description', { freeText: true });
  if (description !== undefined) props.description = description;
  const instanceType = r.str(f.instance_type, 'instance_type');
  if (instanceType !== undefined && instanceType.trim() !== '') props.instanceType = instanceType;
  else if (!kubernetes && !r.present(f.instance_type)) missing('instance type', 'instance_type', names.instanceType, 'a managed deployment needs a VM size such as Standard_DS3_v2');
  if (instanceType && SMALL_SKUS.includes(instanceType.toLowerCase())) warnings.push(`Instance type ${instanceType} may be too small for compute resources; Standard_DS3_v2 or larger is recommended.`);
  if (model?.kind === 'ref' && model.ref.form === 'id') props.model = model.ref.id;
  if (environment?.kind === 'ref' && environment.ref.form === 'id') props.environmentId = environment.ref.id;
  if (codeConfiguration?.scoringScript !== undefined) {
    props.codeConfiguration = { scoringScript: codeConfiguration.scoringScript };
    const code = codeConfiguration.code;
    if (code?.kind === 'ref' && code.ref.form === 'id') props.codeConfiguration.codeId = code.ref.id;
  }
  const mount = r.str(f.model_mount_path, 'model_mount_path');
  if (mount !== undefined) props.modelMountPath = mount;
  const scale = readScaleSettings(r, f.scale_settings, kubernetes);
  if (scale) props.scaleSettings = scale;
  const request = readRequestSettings(r, f.request_settings);
  if (request) props.requestSettings = request;
  const liveness = readProbe(r, f.liveness_probe, 'liveness_probe');
  if (liveness) props.livenessProbe = liveness;
  const readiness = readProbe(r, f.readiness_probe, 'readiness_probe');
  if (readiness) props.readinessProbe = readiness;
  const egress = r.choice(f.egress_public_network_access, 'egress_public_network_access', ['enabled', 'disabled']);
  if (egress) props.egressPublicNetworkAccess = egress;
  if (r.bool(f.private_network_connection, 'private_network_connection')) {
    props.privateNetworkConnection = true;
    props.properties['private-network-connection'] = 'true';
  }
  if (kubernetes) {
    const resources = readResources(r, f.resources);
    if (resources) props.containerResourceRequirements = resources;
  }
  const dc = readDataCollector(r, f.data_collector, endpointName ?? '', name ?? '');
  if (dc) props.dataCollector = dc.collector;
  for (const k of ['private_network_connection', ...(kubernetes ? ['data_collector'] : [])]) {
    if (f[k] && !r.isNull(f[k].value)) warnings.push(`'${k}' is an experimental field and may change at any time.`);
  }

  const body: OnlineDeploymentBody = { tags: r.stringMap(f.tags, 'tags') ?? {}, sku: { name: 'Default' }, properties: props };
  const capacity = r.int(f.instance_count, 'instance_count', { min: 1 });
  if (capacity !== undefined) body.sku.capacity = capacity;
  problems.throwIfAny(spec.hasFile ? yaml.file : 'the deployment inputs');
  const plan: OnlineDeploymentPlan = { kind: kubernetes ? 'kubernetes' : 'managed', endpointName: endpointName!, name: name!, body, dataCollections: dc?.assets ?? [], warnings };
  if (model) plan.model = model;
  if (environment) plan.environment = environment;
  if (codeConfiguration?.code) plan.code = codeConfiguration.code;
  return plan;
}
