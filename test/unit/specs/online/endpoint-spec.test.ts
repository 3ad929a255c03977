import { join } from 'node:path';
import { onlineEndpointContractProblems } from '../../../../shared/src/specs/online/contract';
import { loadOnlineEndpointSpec, resolveEndpointBody } from '../../../../shared/src/specs/online/endpoint-spec';
import { caught, fixtures, problems, scratch } from './helpers';

const scope = { subscriptionId: 's', resourceGroup: 'rg', workspaceName: 'ws' };
const uai = '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai';

describe('online endpoints', () => {
  test('a managed endpoint: auth mode, traffic (lower-cased, zeros dropped), identity; kind is dropped', () => {
    const plan = loadOnlineEndpointSpec({ file: join(fixtures, 'endpoint.yml') });
    expect(plan.kind).toBe('managed');
    expect(plan.name).toBe('churn-endpoint');
    expect(plan.body).toEqual({
      tags: { team: 'risk' },
      identity: { type: 'UserAssigned', userAssignedIdentities: { [uai]: {} } },
      properties: { authMode: 'AMLToken', description: 'Churn scoring', properties: {}, traffic: { blue: 90, green: 10 }, mirrorTraffic: { shadow: 20 } },
    });
    expect(plan.warnings).toEqual([expect.stringMatching(/'mirror_traffic' is an experimental field/)]);
    expect(onlineEndpointContractProblems(resolveEndpointBody(plan, { location: 'westeurope', scope }))).toEqual([]);
  });

  test('a Kubernetes endpoint (compute present): the compute becomes an ARM id', () => {
    const plan = loadOnlineEndpointSpec({ file: join(fixtures, 'k8s-endpoint.yml') });
    expect(plan.kind).toBe('kubernetes');
    expect(plan.compute).toEqual({ kind: 'name', name: 'k8s-compute' });
    const body = resolveEndpointBody(plan, { location: 'westeurope', scope });
    expect(body.properties.compute).toBe('/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/k8s-compute');
    expect(body.properties.authMode).toBe('Key');
    expect(body.identity).toEqual({ type: 'SystemAssigned' });
    expect(onlineEndpointContractProblems(body)).toEqual([]);
  });

  test('a compute override selects the Kubernetes schema; a bare compute name is refused', () => {
    const f = scratch('name: ep-one\n');
    expect(loadOnlineEndpointSpec({ file: f, set: 'compute=azureml:k8s' }).kind).toBe('kubernetes');
    expect(caught(() => loadOnlineEndpointSpec({ file: f, set: 'compute=k8s' })).message).toMatch(/^Input 'set' line 1: 'compute' is 'k8s': write the Kubernetes compute as azureml:<name>/);
    expect(caught(() => loadOnlineEndpointSpec({ file: scratch('name: ep-one\npublic_network_access: disabled\ncompute: azureml:k8s\n') })).message).toMatch(/Unknown field 'public_network_access'/);
  });

  test('inputs: endpoint-name and auth-mode are lower-cased and beat the file and set', () => {
    const plan = loadOnlineEndpointSpec({ file: join(fixtures, 'endpoint.yml'), set: 'name=from-set\nauth_mode=key', inputs: { endpointName: 'From-Input', authMode: 'AAD_Token' } });
    expect(plan.name).toBe('from-input');
    expect(plan.body.properties.authMode).toBe('AADToken');
    expect(loadOnlineEndpointSpec({ inputs: { endpointName: 'only-inputs' } }).body.properties.authMode).toBe('Key');
    expect(caught(() => loadOnlineEndpointSpec({})).input).toBe('endpoint-name');
  });

  test('traffic rules and identity rules, every problem located', () => {
    const f = scratch(
      [
        'name: ep',
        'auth_mode: token',
        'traffic:',
        '  blue: 60',
        '  green: 30',
        'mirror_traffic:',
        '  blue: 10',
        '  red: 60',
        'identity:',
        '  type: user_assigned',
        '  user_assigned_identities:',
        '    - resource_id: not-an-id',
      ].join('\n'),
    );
    const messages = problems(caught(() => loadOnlineEndpointSpec({ file: f }))).map((p) => p.message.replace(`${f}:`, ''));
    expect(messages).toEqual([
      "1:7: the endpoint name 'ep' is 2 characters long; it must be at least 3 and at most 32 characters long",
      "2:12: 'auth_mode' is 'token'; expected one of key, aml_token, aad_token",
      '4:3: the traffic percentages sum to 90; they must sum to 100 (or be left empty)',
      expect.stringMatching(/^7:3: mirror traffic goes to 2 deployments \(blue, red\); at most one/),
      "7:9: deployment 'blue' takes both live traffic (60%) and mirrored traffic; mirror only to a deployment without live traffic",
      "8:8: 'mirror_traffic.red' is 60; it must be a whole percentage from 0 to 50",
      "12:20: 'not-an-id' is not the ARM id of a user-assigned identity",
    ]);
  });

  test('identity needs a type, at most one user-assigned identity', () => {
    expect(caught(() => loadOnlineEndpointSpec({ file: scratch('name: ep1\nidentity:\n  user_assigned_identities: []\n') })).message).toMatch(/Identity type not found/);
    const two = scratch(`name: ep1\nidentity:\n  type: user_assigned\n  user_assigned_identities:\n    - resource_id: ${uai}\n    - resource_id: ${uai}2\n`);
    expect(caught(() => loadOnlineEndpointSpec({ file: two })).message).toMatch(/Only 1 user assigned identity is currently supported, 2 found/);
    expect(loadOnlineEndpointSpec({ file: scratch('name: ep1\nidentity:\n  type: None\n') }).body.identity).toEqual({ type: 'None' });
  });

  test('placeholders in the file are reported with their position', () => {
    const e = caught(() => loadOnlineEndpointSpec({ file: scratch('name: {{ENDPOINT_NAME}}\nauth_mode: key\n') }));
    expect(e.message).toMatch(/spec.yml:1:7: unfilled template placeholder '\{\{ENDPOINT_NAME\}\}'/);
    const angle = caught(() => loadOnlineEndpointSpec({ file: scratch('name: <ENDPOINT_NAME>\n') }));
    expect(angle.message).toMatch(/1:7: unfilled template placeholder '<ENDPOINT_NAME>' in 'name'/);
    expect(angle.hint).toMatch(/'endpoint-name' input/);
  });
});
