import { batchEndpointContractProblems } from '../../../../shared/src/specs/batch/contract';
import { batchEndpointBody, loadBatchEndpointSpec } from '../../../../shared/src/specs/batch/endpoint-spec';
import { caught, problems, scratch } from '../online/helpers';

const at = (file: string, messages: string[]): string[] => messages.map((m) => m.replace(`${file}:`, ''));

describe('batch endpoints', () => {
  test('a full endpoint: auth mode as the SDK sends it (lowerCamel), defaults, tags, properties; dump-only keys dropped', () => {
    const f = scratch(
      [
        '$schema: https://azuremlschemas.azureedge.net/latest/batchEndpoint.schema.json',
        'name: Churn-Batch',
        'description: Scores <b>churn</b> nightly',
        'auth_mode: aml_token',
        'defaults:',
        '  deployment_name: blue',
        'tags:',
        '  team: risk',
        '  tier: 1',
        'properties:',
        '  owner: me',
        'scoring_uri: https://example/score',
        'provisioning_state: Succeeded',
        'location: northeurope',
      ].join('\n'),
    );
    const plan = loadBatchEndpointSpec({ file: f });
    expect(plan.name).toBe('Churn-Batch'); // the file's name is verbatim
    expect(plan.body).toEqual({
      tags: { team: 'risk', tier: '1' },
      properties: { authMode: 'amlToken', description: 'Scores <b>churn</b> nightly', properties: { owner: 'me' }, defaults: { deploymentName: 'blue' } },
    });
    expect(plan.authModeGiven).toBe(true);
    expect(plan.warnings).toEqual([]);
    const body = batchEndpointBody(plan, 'westeurope');
    expect(body.location).toBe('westeurope'); // never the YAML's
    expect(batchEndpointContractProblems(body)).toEqual([]);
  });

  test.each([
    [undefined, 'aadToken'],
    ['aad_token', 'aadToken'],
    ['AADToken', 'aadToken'],
    ['aadToken', 'aadToken'],
    ['AMLToken', 'amlToken'],
    ['key', 'key'],
    ['Key', 'key'],
  ])('auth_mode %s is sent as %s', (mode, sent) => {
    const f = scratch(`name: ep-one\n${mode === undefined ? '' : `auth_mode: ${mode}\n`}`);
    const plan = loadBatchEndpointSpec({ file: f });
    expect(plan.body.properties.authMode).toBe(sent);
    expect(plan.authModeGiven).toBe(mode !== undefined);
    expect(batchEndpointContractProblems(batchEndpointBody(plan, 'x'))).toEqual([]);
  });

  test('identity and traffic are accepted, not sent, and warned about', () => {
    const f = scratch('name: ep-one\nidentity:\n  type: system_assigned\ntraffic:\n  blue: 100\n');
    const plan = loadBatchEndpointSpec({ file: f });
    expect(plan.body).toEqual({ tags: {}, properties: { authMode: 'aadToken', properties: {} } });
    expect(plan.warnings).toEqual([expect.stringMatching(/^'identity' is accepted .* not sent/), expect.stringMatching(/^'traffic' is accepted .* not sent/)]);
    expect(caught(() => loadBatchEndpointSpec({ file: scratch('name: ep-one\nidentity:\n  kind: x\n') })).message).toMatch(/:3:3: Unknown field 'kind' in 'identity'/);
  });

  test('inputs beat set lines, which beat the file; the name input is lower-cased as --name', () => {
    const f = scratch('name: from-file\nauth_mode: key\n');
    const plan = loadBatchEndpointSpec({ file: f, set: 'name=from-set\ndefaults.deployment_name=green', inputs: { endpointName: 'From-Input', authMode: 'AAD_Token', defaultDeployment: 'blue' } });
    expect(plan.name).toBe('from-input');
    expect(plan.body.properties).toMatchObject({ authMode: 'aadToken', defaults: { deploymentName: 'blue' } });
    expect(loadBatchEndpointSpec({ file: f, set: 'name=from-set' }).name).toBe('from-set');
    expect(loadBatchEndpointSpec({ inputs: { endpointName: 'only-inputs' } }).body.properties.authMode).toBe('aadToken');
  });

  test('no name: located at the file, or the input named without one', () => {
    const f = scratch('description: nameless\n');
    expect(caught(() => loadBatchEndpointSpec({ file: f })).message).toBe(`${f}:1:1: the endpoint has no name: set 'name' in the YAML, or give the 'endpoint-name' input (az ml takes it from --name)`);
    expect(caught(() => loadBatchEndpointSpec({})).input).toBe('endpoint-name');
  });

  test('every problem is reported with its position: name rules, auth mode, unknown keys with a suggestion, defaults', () => {
    const f = scratch(['name: 1batch', 'auth_mode: token', 'auth_mod: key', 'defaults:', '  deployment_name: b', '  deployment_nam: x'].join('\n'));
    expect(at(f, problems(caught(() => loadBatchEndpointSpec({ file: f }))).map((p) => p.message))).toEqual([
      "1:7: the endpoint name '1batch' must start with an upper- or lowercase letter, end with a letter or digit, and only consist of '-'s and alphanumeric characters",
      "2:12: 'auth_mode' is 'token'; expected one of key, aml_token, aad_token",
      expect.stringMatching(/^3:1: Unknown field 'auth_mod'\. Did you mean 'auth_mode'\?/),
      "5:20: 'defaults.deployment_name': the deployment name 'b' is 1 characters long; it must be at least 3 and at most 32 characters long",
      expect.stringMatching(/^6:3: Unknown field 'deployment_nam' in 'defaults'\. Did you mean 'deployment_name'\?/),
    ]);
  });

  test('unfilled template placeholders fail at their position', () => {
    const mustache = scratch('name: {{ENDPOINT_NAME}}\n');
    expect(caught(() => loadBatchEndpointSpec({ file: mustache })).message).toMatch(new RegExp(`^${mustache}:1:7: unfilled template placeholder '\\{\\{ENDPOINT_NAME\\}\\}'`));
    const angle = scratch('name: <endpoint-name>\n');
    const e = caught(() => loadBatchEndpointSpec({ file: angle }));
    expect(e.message).toBe(`${angle}:1:7: unfilled template placeholder '<endpoint-name>' in 'name'`);
    expect(e.hint).toMatch(/'endpoint-name' input/);
  });
});

describe('the batch endpoint contract', () => {
  const good = { location: 'westeurope', tags: {}, properties: { authMode: 'AADToken', properties: {}, defaults: { deploymentName: 'blue' } } };

  test('accepts the REST spelling and the SDK spelling of the auth mode', () => {
    expect(batchEndpointContractProblems(good)).toEqual([]);
    expect(batchEndpointContractProblems({ ...good, properties: { ...good.properties, authMode: 'aadToken' } })).toEqual([]);
  });

  test('reports missing, unknown and ill-typed properties', () => {
    expect(batchEndpointContractProblems({ tags: {}, properties: { authMode: 'Token', traffic: {}, defaults: { deploymentName: 3 } } })).toEqual([
      'location: is required',
      'properties.traffic: is not a property of the contract',
      'properties.authMode: must be one of AMLToken, Key, AADToken',
      'properties.defaults.deploymentName: must be a string',
    ]);
    expect(batchEndpointContractProblems({ location: 'x', properties: {} })).toEqual(['properties.authMode: is required']);
  });
});
