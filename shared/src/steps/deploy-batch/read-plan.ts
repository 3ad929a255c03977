/**
 * deploy-batch, step 1: everything decided from the inputs and files alone, before signing in. Any problem is an
 * input error naming the input or file:line, and nothing has been sent.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseComparisonRules, parseRows, type ComparisonRule, type Row } from '../../batch/compare';
import { inputError } from '../../core/errors';
import { readRegularFile } from '../../core/files';
import { loadBatchDeploymentSpec, loadBatchEndpointSpec, type BatchDeploymentPlan, type BatchEndpointPlan } from '../../specs/batch';
import type { StepContext } from '../definition';
import { normaliseModelInput, topLevelNames } from '../online-plan';

export type TestInput = { kind: 'local'; path: string; folder: boolean } | { kind: 'data'; name: string; version: string } | { kind: 'uri'; uri: string; folder: boolean };

export interface DeployBatchPlan {
  endpoint: BatchEndpointPlan;
  deployment: BatchDeploymentPlan;
  setDefault: boolean;
  test?: TestInput;
  expected?: Row[];
  tolerance: number;
  compare: boolean;
  rules: ComparisonRule[];
}

function readTestInput(value: string | undefined): TestInput | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  const data = /^azureml:([A-Za-z0-9][\w.-]*):([\w.-]+)$/.exec(v);
  if (data) return { kind: 'data', name: data[1]!, version: data[2]! };
  if (/^azureml:\/\/datastores\/[^/]+\/paths\/.+/i.test(v) || /^https:\/\//i.test(v)) return { kind: 'uri', uri: v, folder: v.endsWith('/') };
  if (/^[a-z][a-z0-9+.-]*:/i.test(v) && !/^[A-Za-z]:[\\/]/.test(v)) {
    throw inputError(`Input 'test-input': '${v}' is not a local path, an azureml:<name>:<version> data asset, an azureml://datastores/<name>/paths/… URI or an https URL.`, { input: 'test-input' });
  }
  const path = resolve(v);
  if (!existsSync(path)) throw inputError(`Input 'test-input': ${path} does not exist.`, { input: 'test-input' });
  const st = statSync(path);
  if (!st.isFile() && !st.isDirectory()) throw inputError(`Input 'test-input': ${path} is not a regular file or a folder.`, { input: 'test-input' });
  return { kind: 'local', path, folder: st.isDirectory() };
}

export function readDeployBatchPlan(ctx: StepContext): DeployBatchPlan {
  const { inputs } = ctx;
  const endpointFile = inputs.string('endpoint-file');
  const deploymentFile = inputs.string('deployment-file');
  const deploymentText = deploymentFile ? readRegularFile(resolve(deploymentFile), { input: 'deployment-file' }) : undefined;
  const endpoint = loadBatchEndpointSpec({
    file: endpointFile ? resolve(endpointFile) : undefined,
    fileInput: 'endpoint-file',
    inputs: { endpointName: inputs.string('endpoint-name') ?? (endpointFile || deploymentText === undefined ? undefined : topLevelNames(deploymentText).endpoint) },
  });
  const deployment = loadBatchDeploymentSpec({
    file: deploymentFile ? resolve(deploymentFile) : undefined,
    text: deploymentText,
    fileInput: 'deployment-file',
    set: inputs.string('set'),
    setInput: 'set',
    inputs: {
      endpointName: endpoint.name,
      deploymentName: inputs.string('deployment-name'),
      model: normaliseModelInput(inputs.string('model')),
      environment: inputs.string('environment'),
      code: inputs.string('code'),
      scoringScript: inputs.string('scoring-script'),
      compute: inputs.string('compute'),
      instanceCount: inputs.string('instance-count'),
      miniBatchSize: inputs.string('mini-batch-size'),
      outputAction: inputs.choice('output-action'),
      outputFileName: inputs.string('output-file-name'),
      maxRetries: inputs.string('max-retries'),
      retryTimeout: inputs.string('retry-timeout'),
      errorThreshold: inputs.string('error-threshold'),
      maxConcurrencyPerInstance: inputs.string('max-concurrency-per-instance'),
    },
  });
  if (deployment.endpointName.toLowerCase() !== endpoint.name.toLowerCase()) {
    throw inputError(`The deployment names endpoint '${deployment.endpointName}' but the endpoint is '${endpoint.name}'.`, { input: 'endpoint-name' });
  }
  const test = readTestInput(inputs.string('test-input'));
  const expectedFile = inputs.string('expected-output');
  const compare = inputs.boolean('compare-with-default');
  if ((expectedFile || compare) && !test) throw inputError(`'${expectedFile ? 'expected-output' : 'compare-with-default'}' needs 'test-input': the sample to score.`, { input: 'test-input' });
  if (test && deployment.body.properties.outputAction === 'SummaryOnly' && (expectedFile || compare)) {
    throw inputError("output-action summary_only writes no output file, so there is nothing to compare; use append_row.", { input: 'output-action' });
  }
  const toleranceText = inputs.string('tolerance')?.trim();
  const tolerance = toleranceText === undefined ? 0 : Number(toleranceText);
  if (!Number.isFinite(tolerance) || tolerance < 0) throw inputError(`Input 'tolerance' must be a number ≥ 0; got '${toleranceText}'.`, { input: 'tolerance' });
  const rulesText = inputs.string('comparison');
  if (rulesText && !compare) throw inputError("'comparison' rules apply to the challenger run: give 'compare-with-default: true'.", { input: 'comparison' });
  const rules = parseComparisonRules(rulesText ?? (compare ? 'agreement >= 100%' : ''), 'comparison');
  const expected = expectedFile ? parseRows(readRegularFile(resolve(expectedFile), { input: 'expected-output' })) : undefined;
  return { endpoint, deployment, setDefault: inputs.boolean('set-default'), test, expected, tolerance, compare, rules };
}
