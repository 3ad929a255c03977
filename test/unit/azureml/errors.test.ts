import { StepError } from '../../../shared/src/core/errors';
import { classifyResponse, toStepError } from '../../../shared/src/azureml/errors';
import { parseServiceError } from '../../../shared/src/azureml/service-error';
import { ScriptedServer } from './scripted-server';
import { testClient } from './helpers';

// The three shapes from the observed-behaviour notes.
const MFE = {
  error: {
    code: 'UserError',
    message: 'Could not find model credit version 7.',
    details: [{ code: 'ModelNotFound', message: 'Model credit:7 does not exist in workspace ws.' }],
    additionalInfo: [{ type: 'ComponentName', info: { value: 'managementfrontend' } }],
  },
};
const OLDER_AML = {
  error: {
    code: 'UserError',
    message: '',
    messageFormat: 'Model {modelName} version {version} is archived.',
    messageParameters: { modelName: 'credit', version: '3' },
    innerError: { code: 'BadArgument', innerError: { code: 'ModelArchived' } },
  },
  correlation: { operation: '1b2c', request: '9f8e' },
  componentName: 'modelregistry',
  statusCode: 400,
};
const GATEWAY = {
  error: {
    code: 'ParentResourceNotFound',
    message: "Can not perform requested operation on nested resource. Parent resource 'ws' not found.",
  },
};

describe('service error extraction', () => {
  test('current MFE shape: detail code is the specific one, detail message kept', () => {
    const e = parseServiceError(JSON.stringify(MFE))!;
    expect(e.code).toBe('UserError');
    expect(e.specificCode).toBe('ModelNotFound');
    expect(e.message).toBe('Could not find model credit version 7. | Model credit:7 does not exist in workspace ws.');
  });

  test('older AML shape: message built from messageFormat, innermost innerError code', () => {
    const e = parseServiceError(OLDER_AML)!;
    expect(e.message).toBe('Model credit version 3 is archived.');
    expect(e.codes).toEqual(['UserError', 'BadArgument', 'ModelArchived']);
    expect(e.specificCode).toBe('ModelArchived');
  });

  test('ARM gateway shape', () => {
    const e = parseServiceError(GATEWAY)!;
    expect(e.code).toBe('ParentResourceNotFound');
    expect(e.specificCode).toBe('ParentResourceNotFound');
    expect(e.message).toMatch(/Parent resource 'ws' not found/);
  });

  test('non-JSON and empty bodies', () => {
    expect(parseServiceError('<html>Bad Gateway</html>')?.message).toBe('<html>Bad Gateway</html>');
    expect(parseServiceError('')).toBeUndefined();
    expect(parseServiceError({ value: [] })).toBeUndefined();
  });
});

describe('classification', () => {
  const ctx = { operation: 'get model version', ref: { kind: 'model version', name: 'credit:7', scope: "workspace 'ws' (resource group 'rg')" } };

  test('404 names the resource and keeps the service message', () => {
    const e = classifyResponse(404, JSON.stringify(MFE), ctx);
    expect(e.kind).toBe('not-found');
    expect(e.code).toBe('ModelNotFound');
    expect(e.message).toBe(
      "model version 'credit:7' was not found in workspace 'ws' (resource group 'rg') (UserError/ModelNotFound: Could not find model credit version 7. | Model credit:7 does not exist in workspace ws.)",
    );
  });

  test('404 for a missing parent says so', () => {
    const e = classifyResponse(404, GATEWAY, ctx);
    expect(e.kind).toBe('not-found');
    expect(e.message).toMatch(/the parent of model version 'credit:7' in workspace 'ws' .* was not found/);
  });

  test('400 older shape is an input error with the formatted message', () => {
    const e = classifyResponse(400, OLDER_AML, { operation: 'write model version' });
    expect(e.kind).toBe('input');
    expect(e.code).toBe('ModelArchived');
    expect(e.message).toBe('write model version was rejected as invalid: UserError/ModelArchived: Model credit version 3 is archived.');
  });

  test('403 AuthorizationFailed names principal, action and scope', () => {
    const body = {
      error: {
        code: 'AuthorizationFailed',
        message:
          "The client 'aaaa-1111' with object id 'bbbb-2222' does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/read' over scope '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws' or the scope is invalid. If access was recently granted, please refresh your credentials.",
      },
    };
    const e = classifyResponse(403, body, { operation: "get workspace 'ws'" });
    expect(e.kind).toBe('auth');
    expect(e.message).toMatch(
      /principal 'aaaa-1111' \(object id bbbb-2222\) may not perform 'Microsoft.MachineLearningServices\/workspaces\/read' on scope '\/subscriptions\/s\/resourceGroups\/rg\/providers\/Microsoft.MachineLearningServices\/workspaces\/ws'/,
    );
    expect(e.hint).toMatch(/role/);
  });

  test('quota codes anywhere in the chain mean quota', () => {
    const body = { error: { code: 'UserError', message: 'Deployment failed', details: [{ code: 'OutOfQuota', message: 'Not enough quota for Standard_F4s_v2' }] } };
    expect(classifyResponse(400, body, { operation: 'create deployment' }).kind).toBe('quota');
  });

  test('immutability is a conflict, persisted 409 is a conflict, 503 is transient, 501 is service', () => {
    const immut = { error: { code: 'UserError', message: 'Changing path of existing asset not allowed (ASSET_PATH_ERROR)' } };
    expect(classifyResponse(400, immut, { operation: 'w' }).kind).toBe('conflict');
    expect(classifyResponse(409, { error: { code: 'Conflict', message: 'x' } }, { operation: 'w' }).kind).toBe('conflict');
    expect(classifyResponse(503, undefined, { operation: 'w', retries: 3 }).message).toBe('w still failed with HTTP 503 after 3 retries: HTTP 503 with no error body');
    expect(classifyResponse(501, { error: { code: 'NotImplemented', message: 'nope' } }, { operation: 'w' }).kind).toBe('service');
  });

  test('secrets in service messages are redacted', () => {
    const body = { error: { code: 'BadArgument', message: 'bad url https://a.blob.core.windows.net/c?sv=2022&sig=SECRETSIG and token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefgh' } };
    const e = classifyResponse(400, body, { operation: 'w' });
    expect(e.message).not.toMatch(/SECRETSIG|eyJhbGciOiJIUzI1NiJ9/);
  });

  test('thrown errors: abort is cancelled, a dropped connection is transient, a refused one names host:port, StepError passes through', () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(toStepError(abort, { operation: 'x' }).kind).toBe('cancelled');
    const refused = toStepError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 9 }), { operation: 'x' });
    expect(refused.kind).toBe('network');
    expect(refused.message).toBe('x could not reach Azure: nothing accepted the connection to 127.0.0.1:9 (ECONNREFUSED)');
    const reset = toStepError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), { operation: 'x', retries: 6 });
    expect(reset.kind).toBe('transient');
    expect(reset.message).toBe('x could not reach Azure after 6 retries: the connection to the service was dropped (ECONNRESET)');
    const dns = toStepError(Object.assign(new Error('getaddrinfo ENOTFOUND nonexistent.invalid'), { code: 'ENOTFOUND', hostname: 'nonexistent.invalid' }), { operation: 'get workspace' });
    expect(dns.kind).toBe('network');
    expect(dns.message).toContain("the host 'nonexistent.invalid' could not be resolved (ENOTFOUND");
    expect(toStepError({ weird: { nested: true } }, { operation: 'x' }).message).not.toContain('[object Object]');
    const own = new StepError('quota', 'q');
    expect(toStepError(own, { operation: 'x' })).toBe(own);
  });
});

describe('client surfaces clean messages for each shape', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await ScriptedServer.start();
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  test('workspace 404 (gateway shape) says which workspace in which resource group', async () => {
    server.on('GET', /\/workspaces\/nope$/, () => ({
      status: 404,
      headers: { 'x-ms-failure-cause': 'gateway' },
      body: { error: { code: 'ResourceNotFound', message: "The Resource 'Microsoft.MachineLearningServices/workspaces/nope' under resource group 'rg' was not found." } },
    }));
    const e = (await testClient(server).getWorkspace('rg', 'nope').catch((x: unknown) => x)) as StepError;
    expect(e.kind).toBe('not-found');
    expect(e.message).toMatch(/^workspace 'nope' was not found in resource group 'rg' \(ResourceNotFound: The Resource/);
  });

  test('model version 404 (MFE shape) is "absent", but a missing workspace is an error', async () => {
    server.on('GET', /\/models\/credit\/versions\/7$/, () => ({ status: 404, headers: { 'x-ms-response-type': 'error' }, body: MFE }));
    expect(await testClient(server).getModelVersion('rg', 'ws', 'credit', '7')).toBeUndefined();
    server.on('GET', /\/models\/credit\/versions\/7$/, () => ({ status: 404, body: GATEWAY }));
    const e = (await testClient(server).getModelVersion('rg', 'ws', 'credit', '7').catch((x: unknown) => x)) as StepError;
    expect(e.kind).toBe('not-found');
    expect(e.message).toMatch(/parent of model version 'credit:7'/);
  });

  test('older AML shape on a write comes back formatted', async () => {
    server.on('PUT', /\/models\/credit\/versions\/3$/, () => ({ status: 400, body: OLDER_AML }));
    const e = (await testClient(server)
      .createOrUpdateModelVersion('rg', 'ws', 'credit', '3', { properties: { modelUri: 'azureml://x', modelType: 'custom_model' } })
      .catch((x: unknown) => x)) as StepError;
    expect(e.kind).toBe('input');
    expect(e.message).toBe("write model version 'credit:3' was rejected as invalid: UserError/ModelArchived: Model credit version 3 is archived.");
  });
});
