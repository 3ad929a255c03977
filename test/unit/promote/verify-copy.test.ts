import { StepError } from '../../../shared/src/core/errors';
import type { ModelVersion, Workspace } from '../../../shared/src/azureml/resources';
import { publishUnavailable } from '../../../shared/src/promote/copy';
import { verifyCopy, workspaceContentReason } from '../../../shared/src/promote/verify-copy';

const workspace: Workspace = {
  id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws',
  name: 'ws',
  type: 't',
  properties: { storageAccount: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/WsStore01' },
};
const version = (props: Record<string, unknown>): ModelVersion => ({ id: 'x', name: '3', type: 't', properties: props });
const source = version({ modelUri: 'azureml://subscriptions/s/resourcegroups/rg/workspaces/ws/datastores/workspaceblobstore/paths/LocalUpload/h/m' });
const check = { registry: 'reg', name: 'm', version: '3', source, workspace };

describe('verifyCopy', () => {
  test.each([
    ['azureml://subscriptions/s/resourceGroups/rg/workspaces/ws/datastores/workspaceblobstore/paths/LocalUpload/h/m/', /source version’s own URI/],
    ['azureml://datastores/workspaceblobstore/paths/x', /workspace datastore path/],
    ['azureml://subscriptions/s/resourcegroups/rg/workspaces/WS/datastores/other/paths/x', /a path in workspace 'ws'/],
    ['https://wsstore01.blob.core.windows.net/azureml-blobstore/x', /workspace's storage account 'wsstore01'/],
    ['https://127.0.0.1:10000/wsstore01/c/x', /workspace's storage account/],
  ])('%s is not a copy', (uri, reason) => {
    expect(workspaceContentReason(uri, source, workspace)).toMatch(reason);
    expect(() => verifyCopy(version({ modelUri: uri, provisioningState: 'Succeeded' }), check)).toThrow(StepError);
  });

  test('content in the registry’s own storage passes', () => {
    for (const uri of ['https://regstore.blob.core.windows.net/reg/m/3', 'azureml://registries/reg/models/m/versions/3', 'https://127.0.0.1:10000/regstore/c/x']) {
      expect(workspaceContentReason(uri, source, workspace)).toBeUndefined();
    }
    const ok = version({ modelUri: 'https://regstore.blob.core.windows.net/reg/m/3' });
    expect(verifyCopy(ok, check)).toBe(ok);
  });

  test('missing, unfinished and URI-less versions are service errors', () => {
    expect(() => verifyCopy(undefined, check)).toThrow(/reported success, but m:3 in registry 'reg' does not exist/);
    expect(() => verifyCopy(version({ modelUri: 'https://r/x', provisioningState: 'Creating' }), check)).toThrow(/is Creating, not Succeeded/);
    expect(() => verifyCopy(version({ provisioningState: 'Succeeded' }), check)).toThrow(/has no modelUri/);
  });
});

describe('publishUnavailable', () => {
  const err = (status: number, code?: string, message = 'x') => new StepError('input', message, { status, code });
  test('only "operation or api-version unavailable" answers lead to the import route', () => {
    expect(publishUnavailable(err(400, 'NoRegisteredProviderFound'))).toBe(true);
    expect(publishUnavailable(err(404, 'InvalidResourceType'))).toBe(true);
    expect(publishUnavailable(err(400, 'UserError', 'publish failed: UserError/ApiVersionNotSupported: no'))).toBe(true);
    expect(publishUnavailable(err(405))).toBe(true);
    expect(publishUnavailable(err(404, 'UserError', 'model not found'))).toBe(false);
    expect(publishUnavailable(err(400, 'BadArgument'))).toBe(false);
    expect(publishUnavailable(err(403, 'AuthorizationFailed'))).toBe(false);
    expect(publishUnavailable(new StepError('service', 'ended Failed: NoRegisteredProviderFound: x'))).toBe(false);
    expect(publishUnavailable(new Error('NoRegisteredProviderFound'))).toBe(false);
  });
});
