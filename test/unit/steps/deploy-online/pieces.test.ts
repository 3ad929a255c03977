import { classifyDeploymentFailure, triageMarkdown } from '../../../../shared/src/online/triage';
import { sameDeployment } from '../../../../shared/src/online/same-deployment';
import { normaliseModelInput } from '../../../../shared/src/steps/online-plan';
import { doctorError } from '../../../../shared/src/online/doctor';
import { reservedInstances } from '../../../../shared/src/online/managed-capacity';
import type { OnlineDeployment } from '../../../../shared/src/azureml/resources';

describe('triage classes', () => {
  test.each([
    ['ImageBuildFailure', 'Image build failed', 'image build failure'],
    ['OutOfQuota', 'Not enough quota available for Standard_DS3_v2', 'out of quota'],
    ['ResourceNotReady', 'User container has crashed or terminated: Liveness probe failed: HTTP probe failed with statuscode: 502', 'liveness probe failure'],
    ['ResourceNotReady', 'User container is not ready: Readiness probe failed', 'readiness probe failure'],
    ['ResourceNotReady', 'User container has crashed or terminated.', 'crash loop'],
    ['BadArgument', 'instanceType is invalid', 'bad argument'],
    ['OperationCanceled', 'The operation was canceled', 'cancelled'],
    ['ImagePullLoopBackOff', "The deployment's container image could not be pulled (Back-off pulling image …)", 'image pull failure'],
    ['OutOfQuota', 'Kubernetes unschedulable: 0/3 nodes are available: 3 Insufficient cpu.', 'pod unschedulable (insufficient resources)'],
    ['PodUnschedulable', 'Pod unschedulable: 0/3 nodes are available', 'pod unschedulable (insufficient resources)'],
    ['DeploymentCrashLoopBackOff', 'Back-off restarting failed container (CrashLoopBackOff)', 'crash loop'],
    ['NamespaceNotFound', 'namespace azureml not found', 'namespace not found'],
    [undefined, 'something else', 'deployment failure'],
  ])('%s / %s → %s', (code, message, kind) => {
    const c = classifyDeploymentFailure(code, message);
    expect(c.kind).toBe(kind);
    expect(c.remedy.length).toBeGreaterThan(20);
  });

  test('the markdown carries the class, the remedy and fenced log tails (backtick fences in logs cannot close it)', () => {
    const md = triageMarkdown({
      kind: 'crash loop',
      code: 'ResourceNotReady',
      message: 'User container has crashed or terminated.',
      remedy: 'Fix init().',
      logs: [{ container: 'InferenceServer', tail: 'Traceback (most recent call last):\n```\nValueError: no model' }],
    });
    expect(md).toMatch(/crash loop/);
    expect(md).toMatch(/\*\*What to do:\*\* Fix init\(\)\./);
    expect(md).toMatch(/ValueError: no model/);
    expect(md.match(/```/g)).toHaveLength(2);
  });
});

describe('sameDeployment', () => {
  const live = {
    name: 'blue',
    sku: { name: 'Default', capacity: 2 },
    properties: {
      endpointComputeType: 'Managed',
      model: '/subscriptions/S/resourceGroups/RG/providers/Microsoft.MachineLearningServices/workspaces/ws/models/m/versions/1',
      instanceType: 'Standard_DS3_v2',
      requestSettings: { requestTimeout: 'PT5S', maxConcurrentRequestsPerInstance: 1 },
      provisioningState: 'Succeeded',
    },
  } as unknown as OnlineDeployment;
  const desired = (p: Record<string, unknown>, capacity = 2) => ({ location: 'westeurope', sku: { name: 'Default', capacity }, properties: { endpointComputeType: 'Managed', ...p } });

  test('fields the body leaves out are service defaults; ids compare without case', () => {
    expect(sameDeployment(desired({ model: live.properties.model!.toLowerCase(), instanceType: 'standard_ds3_v2' }), live)).toBe(true);
  });
  test('a different model, a different count or a different setting is a change', () => {
    expect(sameDeployment(desired({ model: live.properties.model!.replace('/1', '/2') }), live)).toBe(false);
    expect(sameDeployment(desired({}, 3), live)).toBe(false);
    expect(sameDeployment(desired({ requestSettings: { requestTimeout: 'PT10S' } }), live)).toBe(false);
  });
});

describe('model input forms', () => {
  test('name@alias and name:version get the azureml: prefix; ids and prefixed forms are kept', () => {
    expect(normaliseModelInput('credit@champion')).toBe('azureml:credit@champion');
    expect(normaliseModelInput('credit:3')).toBe('azureml:credit:3');
    expect(normaliseModelInput('azureml:credit:3')).toBe('azureml:credit:3');
    expect(normaliseModelInput('azureml://registries/r/models/m/versions/1')).toBe('azureml://registries/r/models/m/versions/1');
    expect(normaliseModelInput(undefined)).toBeUndefined();
  });
});

describe('doctor', () => {
  test('managed endpoints reserve 20% extra instances', () => {
    expect([1, 2, 5, 10].map(reservedInstances)).toEqual([2, 3, 6, 12]);
  });
  test('findings become one error that lists each with its input; quota findings are quota errors', () => {
    const e = doctorError([
      { input: 'instance-count', problem: '2 × Standard_DS3_v2 needs 12 more vCPUs', fix: 'Request more quota.', quota: true },
      { input: 'model', problem: 'Model m:1 does not exist.', fix: 'Register it first.' },
    ]);
    expect(e.kind).toBe('quota');
    expect(e.message).toMatch(/found 2 problems; nothing was written/);
    expect(e.message).toMatch(/\(1\) instance-count: .* \(2\) model: Model m:1 does not exist\. Register it first\.$/);
  });
});
