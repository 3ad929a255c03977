/**
 * Checks BatchEndpoint / BatchDeployment PUT bodies against the REST contract (azureml-rest-api §4.5): required
 * properties, enums (case-insensitive: the SDK sends `aadToken` and `info`, §3.1, §3.3), integer ranges, ISO-8601
 * durations, the asset reference and deployment configuration discriminators, and no property the contract does
 * not define. Returns `path: message` strings (empty when the body conforms).
 */
import { Checker, INT64_MAX, tracked, type Json } from '../common/contract-checker';

const ENVELOPE = ['location', 'tags', 'identity', 'kind', 'sku', 'properties'];

export function batchEndpointContractProblems(body: unknown): string[] {
  const c = new Checker();
  const b = tracked(c, body, ENVELOPE);
  if (!b) return c.problems;
  const p = c.object('properties', b.properties, true, ['authMode', 'description', 'keys', 'properties', 'defaults']);
  if (!p) return c.problems;
  c.enumOf('properties.authMode', p.authMode, ['AMLToken', 'Key', 'AADToken'], true);
  c.string('properties.description', p.description);
  c.stringMap('properties.properties', p.properties);
  const d = c.object('properties.defaults', p.defaults, false, ['deploymentName']);
  if (d) c.string('properties.defaults.deploymentName', d.deploymentName);
  return c.problems;
}

/** AssetReferenceBase: `Id` {assetId}, `DataPath` {datastoreId, path} or `OutputPath` {jobId, path}. */
function assetReference(c: Checker, path: string, v: unknown, required: boolean, only?: 'Id'): void {
  const type = (v as Json | undefined)?.referenceType;
  const keys: Record<string, string[]> = { id: ['assetId'], datapath: ['datastoreId', 'path'], outputpath: ['jobId', 'path'] };
  const extra = typeof type === 'string' ? (keys[type.toLowerCase()] ?? []) : [];
  const o = c.object(path, v, required, ['referenceType', ...extra]);
  if (!o) return;
  c.enumOf(`${path}.referenceType`, o.referenceType, only ? [only] : ['Id', 'DataPath', 'OutputPath'], true);
  if (extra.includes('assetId')) c.string(`${path}.assetId`, o.assetId, true, 1);
  for (const k of extra.filter((k) => k !== 'assetId')) c.string(`${path}.${k}`, o[k]);
}

function deploymentConfiguration(c: Checker, v: unknown): void {
  const type = (v as Json | undefined)?.deploymentConfigurationType;
  const pipeline = typeof type === 'string' && type.toLowerCase() === 'pipelinecomponent';
  const path = 'properties.deploymentConfiguration';
  const o = c.object(path, v, false, pipeline ? ['deploymentConfigurationType', 'componentId', 'settings', 'tags', 'description'] : ['deploymentConfigurationType']);
  if (!o) return;
  c.enumOf(`${path}.deploymentConfigurationType`, o.deploymentConfigurationType, ['Model', 'PipelineComponent'], true);
  if (!pipeline) return;
  assetReference(c, `${path}.componentId`, o.componentId, true, 'Id');
  c.stringMap(`${path}.settings`, o.settings);
  c.stringMap(`${path}.tags`, o.tags);
  c.string(`${path}.description`, o.description);
}

const DEPLOYMENT_PROPS = [
  'codeConfiguration',
  'compute',
  'deploymentConfiguration',
  'description',
  'environmentId',
  'environmentVariables',
  'errorThreshold',
  'loggingLevel',
  'maxConcurrencyPerInstance',
  'miniBatchSize',
  'model',
  'outputAction',
  'outputFileName',
  'properties',
  'resources',
  'retrySettings',
];

export function batchDeploymentContractProblems(body: unknown): string[] {
  const c = new Checker();
  const b = tracked(c, body, ENVELOPE);
  if (!b) return c.problems;
  const p = c.object('properties', b.properties, true, DEPLOYMENT_PROPS);
  if (!p) return c.problems;
  for (const k of ['compute', 'description', 'environmentId', 'outputFileName']) c.string(`properties.${k}`, p[k]);
  c.stringMap('properties.properties', p.properties);
  c.stringMap('properties.environmentVariables', p.environmentVariables);
  assetReference(c, 'properties.model', p.model, false);
  const code = c.object('properties.codeConfiguration', p.codeConfiguration, false, ['codeId', 'scoringScript']);
  if (code) {
    c.string('properties.codeConfiguration.codeId', code.codeId);
    c.string('properties.codeConfiguration.scoringScript', code.scoringScript, true, 1);
  }
  const res = c.object('properties.resources', p.resources, false, ['instanceCount', 'instanceType', 'properties']);
  if (res) {
    c.int('properties.resources.instanceCount', res.instanceCount, 1);
    c.string('properties.resources.instanceType', res.instanceType);
    c.object('properties.resources.properties', res.properties, false, Object.keys((res.properties as Json | undefined) ?? {}));
  }
  c.int('properties.miniBatchSize', p.miniBatchSize, 1, INT64_MAX);
  c.int('properties.maxConcurrencyPerInstance', p.maxConcurrencyPerInstance, 1);
  c.int('properties.errorThreshold', p.errorThreshold, -1);
  c.enumOf('properties.loggingLevel', p.loggingLevel, ['Info', 'Warning', 'Debug']);
  c.enumOf('properties.outputAction', p.outputAction, ['SummaryOnly', 'AppendRow']);
  if (typeof p.outputAction === 'string' && p.outputAction.toLowerCase() === 'summaryonly' && p.outputFileName !== undefined) {
    c.fail('properties.outputFileName', 'is only for the AppendRow output action');
  }
  const retry = c.object('properties.retrySettings', p.retrySettings, false, ['maxRetries', 'timeout']);
  if (retry) {
    c.int('properties.retrySettings.maxRetries', retry.maxRetries, 0);
    c.duration('properties.retrySettings.timeout', retry.timeout);
  }
  deploymentConfiguration(c, p.deploymentConfiguration);
  return c.problems;
}
