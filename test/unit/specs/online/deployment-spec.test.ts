import { join } from 'node:path';
import { onlineDeploymentContractProblems } from '../../../../shared/src/specs/online/contract';
import { loadOnlineDeploymentSpec } from '../../../../shared/src/specs/online/deployment-spec';
import { withResolvedAssets } from '../../../../shared/src/specs/online/resolve-assets';
import { caught, fixtures, problems, scratch } from './helpers';

const blue = join(fixtures, 'blue-deployment.yml');
const scope = { subscriptionId: 's', resourceGroup: 'rg', workspaceName: 'ws' };
const ws = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';

describe('a managed deployment with local assets', () => {
  const plan = loadOnlineDeploymentSpec({ file: blue });

  test('body as az ml sends it', () => {
    expect(plan.kind).toBe('managed');
    expect(plan.name).toBe('blue'); // lower-cased
    expect(plan.endpointName).toBe('churn-endpoint');
    expect(plan.body).toEqual({
      tags: { slot: 'blue' },
      sku: { name: 'Default', capacity: 2 },
      properties: {
        endpointComputeType: 'Managed',
        description: 'Churn model, blue slot',
        properties: {},
        environmentVariables: { MODE: 'fast', WORKERS: '4' },
        appInsightsEnabled: true,
        instanceType: 'Standard_DS3_v2',
        codeConfiguration: { scoringScript: 'score.py' },
        egressPublicNetworkAccess: 'disabled',
        scaleSettings: { scaleType: 'Default' },
        requestSettings: { requestTimeout: 'PT1M30S', maxQueueWait: 'PT0.5S', maxConcurrentRequestsPerInstance: 2 },
        livenessProbe: { initialDelay: 'PT30S', period: 'PT1M', timeout: 'PT2S', failureThreshold: 3, successThreshold: 1 },
        readinessProbe: { period: 'PT10S' },
      },
    });
  });

  test('assets are returned for the step: model to register, code folder to upload, anonymous environment', () => {
    expect(plan.model).toMatchObject({ kind: 'inline', anonymous: true, plan: { path: { kind: 'local', absolutePath: join(fixtures, 'model') } } });
    expect(plan.code).toEqual({ kind: 'local', path: join(fixtures, 'src') });
    expect(plan.environment?.kind).toBe('inline');
    const env = (plan.environment as { spec: { name: string; anonymous: boolean; version: string; condaFilePath: string; body: { properties: Record<string, unknown> } } }).spec;
    expect(env).toMatchObject({ name: 'CliV2AnonymousEnvironment', anonymous: true, condaFilePath: join(fixtures, 'env', 'conda.yml') });
    expect(env.version).toMatch(/^[0-9a-f]{32}$/);
    // PyYAML's dump: sorted keys, lists not indented.
    expect(env.body.properties.condaFile).toBe('channels:\n- conda-forge\ndependencies:\n- python=3.10\n- pip:\n  - numpy==1.26.4\nname: score\n');
  });

  test('withResolvedAssets fills the ids and the location; the result meets the contract', () => {
    const body = withResolvedAssets(plan, { location: 'westeurope', modelId: `${ws}/models/m/versions/1`, environmentId: `${ws}/environments/e/versions/1`, codeId: `${ws}/codes/c/versions/1` });
    expect(body.location).toBe('westeurope');
    expect(body.properties).toMatchObject({ model: `${ws}/models/m/versions/1`, environmentId: `${ws}/environments/e/versions/1`, codeConfiguration: { codeId: `${ws}/codes/c/versions/1`, scoringScript: 'score.py' } });
    expect(onlineDeploymentContractProblems(body)).toEqual([]);
    expect(() => withResolvedAssets(plan, { location: 'x' })).toThrow(/model \(inline\) must be resolved/);
  });
});

describe('a Kubernetes deployment with references and a data collector', () => {
  const plan = loadOnlineDeploymentSpec({ file: join(fixtures, 'k8s-deployment.yml') });

  test('kind from type: kubernetes; resources, target utilization', () => {
    expect(plan.kind).toBe('kubernetes');
    expect(plan.body.properties).toMatchObject({
      endpointComputeType: 'Kubernetes',
      instanceType: 'defaultinstancetype',
      containerResourceRequirements: { containerResourceRequests: { cpu: '0.5', memory: '1Gi' }, containerResourceLimits: { gpu: '1' } },
      scaleSettings: { scaleType: 'TargetUtilization', minInstances: 1, maxInstances: 3, pollingInterval: 'PT10S', targetUtilizationPercentage: 70 },
      dataCollector: {
        rollingRate: 'hour',
        collections: { model_inputs: { dataCollectionMode: 'enabled', samplingRate: 0.5 }, model_outputs: { dataCollectionMode: 'disabled', samplingRate: 0.5 } },
      },
    });
    expect(plan.body.sku).toEqual({ name: 'Default' });
    expect(plan.warnings).toEqual([expect.stringMatching(/'data_collector' is an experimental field/)]);
  });

  test('references and data assets; versioned ids come from the scope, the label needs a look-up', () => {
    expect(plan.model).toEqual({ kind: 'ref', ref: { form: 'version', name: 'churn', version: '3' } });
    expect(plan.environment).toEqual({ kind: 'ref', ref: { form: 'label', name: 'churn-env', label: 'latest' } });
    expect(plan.dataCollections).toEqual([
      { collection: 'model_inputs', name: 'k8s-endpoint-green-model_inputs', version: '1', path: 'azureml://datastores/workspaceblobstore/paths/modelDataCollector/k8s-endpoint/green/model_inputs' },
      { collection: 'model_outputs', name: 'outputs-data', version: '2', path: 'azureml://datastores/workspaceblobstore/paths/modelDataCollector/k8s-endpoint/green/model_outputs' },
    ]);
    expect(() => withResolvedAssets(plan, { location: 'x', scope })).toThrow(/environment \(label\)/);
    const body = withResolvedAssets(plan, { location: 'x', scope, environmentId: `${ws}/environments/churn-env/versions/7`, dataIds: { model_inputs: 'd1', model_outputs: 'd2' } });
    expect(body.properties.model).toBe(`${ws}/models/churn/versions/3`);
    expect(body.properties.codeConfiguration).toEqual({ codeId: `${ws}/codes/churn-code/versions/1`, scoringScript: 'score.py' });
    expect(body.properties.dataCollector?.collections.model_outputs?.dataId).toBe('d2');
    expect(onlineDeploymentContractProblems(body)).toEqual([]);
  });
});

describe('overrides: explicit input > set > file', () => {
  test('set lines apply before validation, with dotted paths and string coercion', () => {
    const plan = loadOnlineDeploymentSpec({
      file: blue,
      set: 'instance_count=3\nrequest_settings.request_timeout_ms=5000\nenvironment_variables.MODE=slow\ntags.new=true\n# comment\n\napp_insights_enabled=false',
    });
    expect(plan.body.sku.capacity).toBe(3);
    expect(plan.body.properties.requestSettings?.requestTimeout).toBe('PT5S');
    expect(plan.body.properties.environmentVariables.MODE).toBe('slow');
    expect(plan.body.tags).toEqual({ slot: 'blue', new: 'true' });
    expect(plan.body.properties.appInsightsEnabled).toBe(false);
  });

  test('inputs beat set, set beats the file; a set path through a reference string fails', () => {
    const plan = loadOnlineDeploymentSpec({
      file: blue,
      set: 'name=from-set\nendpoint_name=set-endpoint\nmodel=azureml:m:1',
      inputs: { deploymentName: 'From-Input', instanceType: 'Standard_F4s_v2', instanceCount: 5, model: 'azureml:m@latest', environment: '' },
    });
    expect(plan.name).toBe('from-input');
    expect(plan.endpointName).toBe('set-endpoint');
    expect(plan.body.properties.instanceType).toBe('Standard_F4s_v2');
    expect(plan.body.sku.capacity).toBe(5);
    expect(plan.model).toEqual({ kind: 'ref', ref: { form: 'label', name: 'm', label: 'latest' } });
    expect(plan.environment?.kind).toBe('inline'); // an empty input is not given
    const e = caught(() => loadOnlineDeploymentSpec({ file: blue, set: 'model=azureml:m:1\nmodel.path=./x' }));
    expect(e.message).toMatch(/^Input 'set' line 2: Cannot use 'set' on properties defined by reference strings/);
  });

  test('list indices, and errors naming the set line', () => {
    const f = scratch('name: blue\nendpoint_name: ep1\ninstance_type: Standard_DS3_v2\ndata_collector:\n  collections:\n    model_inputs:\n      enabled: "true"\n  request_logging:\n    capture_headers: [a, b]\n');
    const plan = loadOnlineDeploymentSpec({ file: f, set: 'data_collector.request_logging.capture_headers[1]=c\ndata_collector.request_logging.capture_headers.2=d' });
    expect(plan.body.properties.dataCollector?.requestLogging).toEqual({ captureHeaders: ['a', 'c', 'd'] });
    const e = caught(() => loadOnlineDeploymentSpec({ file: f, set: 'instance_count=2\ninstance_count=many' }));
    expect(e.message).toBe("Input 'set' line 2: 'instance_count' must be a whole number, not 'many'");
    expect(caught(() => loadOnlineDeploymentSpec({ file: f, set: 'just-text' })).message).toMatch(/^Input 'set' line 1: cannot read 'just-text'/);
  });

  test('inline values only, with paths relative to the working directory', () => {
    const plan = loadOnlineDeploymentSpec({
      cwd: fixtures,
      inputs: { endpointName: 'ep1', deploymentName: 'blue', model: './model', code: './src', scoringScript: 'score.py', environment: 'azureml:env:2', instanceType: 'Standard_DS3_v2' },
    });
    expect(plan.model).toMatchObject({ kind: 'inline', anonymous: true, plan: { path: { kind: 'local', absolutePath: join(fixtures, 'model') } } });
    expect(plan.code).toEqual({ kind: 'local', path: join(fixtures, 'src') });
    const e = caught(() => loadOnlineDeploymentSpec({ inputs: { deploymentName: 'blue', instanceType: 'Standard_DS3_v2' } }));
    expect(e.input).toBe('endpoint-name');
    expect(e.message).toMatch(/no endpoint name: .*'endpoint-name' input \(az ml takes it from --endpoint-name\)/);
  });
});

describe('validation reports every problem with its position', () => {
  test('unknown keys with a suggestion, names, counts, placeholders, missing values', () => {
    const f = scratch(
      [
        'name: my_dep',
        'instance_count: 0',
        'instance_typ: Standard_DS3_v2',
        'model: azureml:<MODEL_NAME>:1',
        'request_settings:',
        '  request_timeout_ms: 1.5',
        'liveness_probe:',
        '  periods: 10',
        'scale_settings:',
        '  type: target_utilization',
      ].join('\n'),
    );
    const e = caught(() => loadOnlineDeploymentSpec({ file: f }));
    const messages = problems(e).map((p) => p.message.replace(`${f}:`, ''));
    expect(messages).toEqual([
      "1:1: the deployment has no endpoint name: set 'endpoint_name' in the YAML, or give the 'endpoint-name' input (az ml takes it from --endpoint-name)",
      "1:1: the deployment has no instance type: set 'instance_type' in the YAML, or give the 'instance-type' input (a managed deployment needs a VM size such as Standard_DS3_v2)",
      expect.stringMatching(/^1:7: the deployment name 'my_dep' must start with/),
      "2:17: 'instance_count' must be at least 1, not 0",
      expect.stringMatching(/^3:1: Unknown field 'instance_typ'. Did you mean 'instance_type'\?/),
      "4:8: unfilled template placeholder '<MODEL_NAME>' in 'model'",
      "6:23: 'request_settings.request_timeout_ms' must be a whole number, not '1.5'",
      expect.stringMatching(/^8:3: Unknown field 'periods' in 'liveness_probe'. Did you mean 'period'\?/),
      '10:9: ManagedOnlineEndpoint supports DefaultScaleSettings only.',
    ]);
    expect(e.message).toMatch(/^9 problems in /);
    expect(e.location).toEqual({ file: f, line: 1, column: 1 });
  });

  test('kind comes from type, not $schema', () => {
    const f = scratch('$schema: https://azuremlschemas.azureedge.net/latest/kubernetesOnlineDeployment.schema.json\nname: blue\nendpoint_name: ep1\ninstance_type: Standard_DS3_v2\nresources: {}\n');
    expect(problems(caught(() => loadOnlineDeploymentSpec({ file: f })))[0]!.message).toMatch(/Unknown field 'resources'/);
    const k = scratch('name: blue\nendpoint_name: ep1\ntype: Kubernetes\ninstance_type: x\n');
    expect(caught(() => loadOnlineDeploymentSpec({ file: k })).message).toMatch(/3:7: type 'Kubernetes' is read as a managed deployment/);
  });

  test('code: scoring script required, inside the code folder, a regular file; legacy local_path refused', () => {
    const base = 'name: blue\nendpoint_name: ep1\ninstance_type: Standard_DS3_v2\n';
    const files = { 'src/score.py': 'x', 'src/pkg/.keep': '', 'outside.py': 'x' };
    expect(caught(() => loadOnlineDeploymentSpec({ file: scratch(`${base}code_configuration:\n  code: ./src\n`, files) })).message).toMatch(/scoring script can't be empty/);
    expect(caught(() => loadOnlineDeploymentSpec({ file: scratch(`${base}code_configuration:\n  code: ./src\n  scoring_script: ../outside.py\n`, files) })).message).toMatch(/scoring script '..\/outside.py' is outside the folder/);
    expect(caught(() => loadOnlineDeploymentSpec({ file: scratch(`${base}code_configuration:\n  code: ./src\n  scoring_script: pkg\n`, files) })).message).toMatch(/scoring script 'pkg' is a folder, not a regular file/);
    expect(caught(() => loadOnlineDeploymentSpec({ file: scratch(`${base}code_configuration:\n  code:\n    local_path: ./src\n  scoring_script: score.py\n`, files) })).message).toMatch(/preview syntax/);
  });

  test('the boundary folder: files outside it are refused', () => {
    const f = scratch('name: blue\nendpoint_name: ep1\ninstance_type: Standard_DS3_v2\nmodel:\n  path: ../model\n', { 'model/w.bin': 'w' }, 'deploy/d.yml');
    const boundary = join(f, '..');
    expect(caught(() => loadOnlineDeploymentSpec({ file: f, boundary })).message).toMatch(/model path .* is outside the folder/);
    expect(loadOnlineDeploymentSpec({ file: f, boundary: join(boundary, '..') }).model?.kind).toBe('inline');
  });

  test('environment: image or build, not both; conda file must exist', () => {
    const base = 'name: blue\nendpoint_name: ep1\ninstance_type: Standard_DS3_v2\n';
    const both = scratch(`${base}environment:\n  image: img\n  build:\n    path: ./ctx\n`, { 'ctx/Dockerfile': 'FROM x' });
    expect(caught(() => loadOnlineDeploymentSpec({ file: both })).message).toMatch(/should be provided not both/);
    const conda = scratch(`${base}environment:\n  image: img\n  conda_file: missing.yml\n`);
    expect(caught(() => loadOnlineDeploymentSpec({ file: conda })).message).toMatch(/6:15: the conda file 'missing.yml' does not exist/);
    const build = loadOnlineDeploymentSpec({ file: scratch(`${base}environment:\n  build:\n    path: ./ctx\n    dockerfile_path: Dockerfile\n`, { 'ctx/Dockerfile': 'FROM x' }) });
    expect(build.environment).toMatchObject({ kind: 'inline', spec: { anonymous: true, buildContext: { kind: 'local' }, body: { properties: { build: { dockerfilePath: 'Dockerfile' } } } } });
  });

  test('Kubernetes deployments refuse registry references', () => {
    const f = scratch('name: blue\nendpoint_name: ep1\ntype: kubernetes\nmodel: azureml://registries/azureml/models/phi/versions/4\n');
    expect(caught(() => loadOnlineDeploymentSpec({ file: f })).message).toMatch(/4:8: Registry reference for model is not supported for K8SDeployment/);
  });
});
