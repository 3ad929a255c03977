/**
 * Checks OnlineEndpoint / OnlineDeployment PUT bodies against the REST contract (azureml-rest-api §4.3, §4.4):
 * required properties, enums (compared case-insensitively: the SDK sends some lower-case, §0.11), ISO-8601
 * durations, integer ranges, traffic rules, and no property the contract does not define. Returns the problems
 * as `path: message` strings (empty when the body conforms).
 */
import { Checker, tracked, type Json } from '../common/contract-checker';
import { trafficProblems } from './traffic';

export function onlineEndpointContractProblems(body: unknown): string[] {
  const c = new Checker();
  const b = tracked(c, body, ['location', 'tags', 'identity', 'kind', 'sku', 'properties']);
  if (!b) return c.problems;
  const id = c.object('identity', b.identity, false, ['type', 'userAssignedIdentities']);
  if (id) c.enumOf('identity.type', id.type, ['None', 'SystemAssigned', 'UserAssigned', 'SystemAssigned,UserAssigned'], true);
  const p = c.object('properties', b.properties, true, ['authMode', 'description', 'keys', 'properties', 'compute', 'traffic', 'mirrorTraffic', 'publicNetworkAccess']);
  if (!p) return c.problems;
  c.enumOf('properties.authMode', p.authMode, ['AMLToken', 'Key', 'AADToken'], true);
  c.string('properties.description', p.description);
  c.stringMap('properties.properties', p.properties);
  c.string('properties.compute', p.compute);
  c.enumOf('properties.publicNetworkAccess', p.publicNetworkAccess, ['Enabled', 'Disabled']);
  const traffic = c.intMap('properties.traffic', p.traffic);
  const mirror = c.intMap('properties.mirrorTraffic', p.mirrorTraffic);
  for (const t of trafficProblems(traffic, mirror)) c.fail(`properties.${t.map === 'traffic' ? 'traffic' : 'mirrorTraffic'}`, t.message);
  return c.problems;
}

function probe(c: Checker, path: string, v: unknown): void {
  const o = c.object(path, v, false, ['failureThreshold', 'successThreshold', 'timeout', 'period', 'initialDelay']);
  if (!o) return;
  c.int(`${path}.failureThreshold`, o.failureThreshold, 1);
  c.int(`${path}.successThreshold`, o.successThreshold, 1);
  for (const k of ['timeout', 'period', 'initialDelay']) c.duration(`${path}.${k}`, o[k]);
}

function resources(c: Checker, path: string, v: unknown): void {
  const o = c.object(path, v, false, ['containerResourceRequests', 'containerResourceLimits']);
  for (const k of ['containerResourceRequests', 'containerResourceLimits']) {
    const set = c.object(`${path}.${k}`, o?.[k], false, ['cpu', 'gpu', 'memory']);
    for (const [n, x] of Object.entries(set ?? {})) c.string(`${path}.${k}.${n}`, x);
  }
}

function dataCollector(c: Checker, v: unknown): void {
  const o = c.object('properties.dataCollector', v, false, ['collections', 'requestLogging', 'rollingRate']);
  if (!o) return;
  const cols = c.object('properties.dataCollector.collections', o.collections, true, Object.keys((o.collections as Json | undefined) ?? {}));
  for (const [name, col] of Object.entries(cols ?? {})) {
    const path = `properties.dataCollector.collections.${name}`;
    const x = c.object(path, col, true, ['clientId', 'dataCollectionMode', 'dataId', 'samplingRate']);
    c.enumOf(`${path}.dataCollectionMode`, x?.dataCollectionMode, ['Enabled', 'Disabled']);
    c.string(`${path}.dataId`, x?.dataId);
    const rate = x?.samplingRate;
    if (rate !== undefined && (typeof rate !== 'number' || rate < 0 || rate > 1)) c.fail(`${path}.samplingRate`, 'must be a number from 0 to 1');
  }
  c.enumOf('properties.dataCollector.rollingRate', o.rollingRate, ['Year', 'Month', 'Day', 'Hour', 'Minute']);
  const logging = c.object('properties.dataCollector.requestLogging', o.requestLogging, false, ['captureHeaders']);
  if (logging && !Array.isArray(logging.captureHeaders)) c.fail('properties.dataCollector.requestLogging.captureHeaders', 'must be a list');
}

const DEPLOYMENT_PROPS = [
  'endpointComputeType', 'description', 'properties', 'environmentVariables', 'appInsightsEnabled', 'instanceType', 'model', 'environmentId',
  'codeConfiguration', 'modelMountPath', 'scaleSettings', 'requestSettings', 'livenessProbe', 'readinessProbe', 'startupProbe',
  'egressPublicNetworkAccess', 'dataCollector', 'privateNetworkConnection',
];

export function onlineDeploymentContractProblems(body: unknown): string[] {
  const c = new Checker();
  const b = tracked(c, body, ['location', 'tags', 'identity', 'kind', 'sku', 'properties']);
  if (!b) return c.problems;
  const sku = c.object('sku', b.sku, false, ['name', 'capacity', 'family', 'size', 'tier']);
  if (sku) {
    c.string('sku.name', sku.name, true, 1);
    c.int('sku.capacity', sku.capacity, 0);
  }
  const kubernetes = (b.properties as Json | undefined)?.endpointComputeType === 'Kubernetes';
  const p = c.object('properties', b.properties, true, kubernetes ? [...DEPLOYMENT_PROPS, 'containerResourceRequirements'] : DEPLOYMENT_PROPS);
  if (!p) return c.problems;
  c.enumOf('properties.endpointComputeType', p.endpointComputeType, ['Managed', 'Kubernetes'], true);
  for (const k of ['description', 'instanceType', 'model', 'environmentId', 'modelMountPath']) c.string(`properties.${k}`, p[k]);
  c.stringMap('properties.properties', p.properties);
  c.stringMap('properties.environmentVariables', p.environmentVariables);
  if (p.appInsightsEnabled !== undefined && typeof p.appInsightsEnabled !== 'boolean') c.fail('properties.appInsightsEnabled', 'must be a boolean');
  const code = c.object('properties.codeConfiguration', p.codeConfiguration, false, ['codeId', 'scoringScript']);
  if (code) {
    c.string('properties.codeConfiguration.codeId', code.codeId);
    c.string('properties.codeConfiguration.scoringScript', code.scoringScript, true, 1);
  }
  const scale = c.object('properties.scaleSettings', p.scaleSettings, false, ['scaleType', 'minInstances', 'maxInstances', 'pollingInterval', 'targetUtilizationPercentage']);
  if (scale) {
    c.enumOf('properties.scaleSettings.scaleType', scale.scaleType, ['Default', 'TargetUtilization'], true);
    c.int('properties.scaleSettings.minInstances', scale.minInstances, 0);
    c.int('properties.scaleSettings.maxInstances', scale.maxInstances, 1);
    c.int('properties.scaleSettings.targetUtilizationPercentage', scale.targetUtilizationPercentage, 1, 100);
    c.duration('properties.scaleSettings.pollingInterval', scale.pollingInterval);
  }
  const req = c.object('properties.requestSettings', p.requestSettings, false, ['maxConcurrentRequestsPerInstance', 'requestTimeout', 'maxQueueWait']);
  if (req) {
    c.int('properties.requestSettings.maxConcurrentRequestsPerInstance', req.maxConcurrentRequestsPerInstance, 1);
    c.duration('properties.requestSettings.requestTimeout', req.requestTimeout);
    c.duration('properties.requestSettings.maxQueueWait', req.maxQueueWait);
  }
  for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe']) probe(c, `properties.${k}`, p[k]);
  c.enumOf('properties.egressPublicNetworkAccess', p.egressPublicNetworkAccess, ['Enabled', 'Disabled']);
  if (kubernetes) resources(c, 'properties.containerResourceRequirements', p.containerResourceRequirements);
  dataCollector(c, p.dataCollector);
  return c.problems;
}
