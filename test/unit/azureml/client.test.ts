import { StepError } from '../../../shared/src/core/errors';
import { AzureMlClient } from '../../../shared/src/azureml/client';
import { ScriptedServer } from './scripted-server';
import { cloudFor, recordingLogger, staticCredential, SUB, testClient, WS_PATH } from './helpers';

const DATASTORES = /\/workspaces\/ws\/datastores$/;

function datastore(name: string, isDefault: boolean) {
  return {
    id: `${WS_PATH}/datastores/${name}`,
    name,
    type: 'Microsoft.MachineLearningServices/workspaces/datastores',
    properties: { datastoreType: 'AzureBlob', accountName: 'acct', containerName: `c-${name}`, isDefault, credentials: { credentialsType: 'AccountKey' } },
  };
}

describe('AzureMlClient', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await ScriptedServer.start();
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  test('requests go to the cloud ARM endpoint for the subscription, with a user agent', async () => {
    server.on('GET', /\/workspaces\/ws$/, () => ({ status: 200, body: { id: WS_PATH, name: 'ws', type: 't', properties: {} } }));
    await testClient(server, { userAgent: 'aml-lifecycle/0.1.0' }).getWorkspace('rg', 'ws');
    const [req] = server.requests;
    expect(req.path).toBe(WS_PATH);
    expect(req.query.get('api-version')).toBe('2022-10-01');
    expect(req.headers['user-agent']).toMatch(/^aml-lifecycle\/0\.1\.0 azsdk-js-arm-machinelearning\/2\.1\.1/);
  });

  test('the default datastore is asked for with isDefault=true', async () => {
    server.on('GET', DATASTORES, (req) => ({
      status: 200,
      body: { value: req.query.get('isDefault') === 'true' ? [datastore('workspaceblobstore', true)] : [datastore('a', false), datastore('workspaceblobstore', true)] },
    }));
    const client = testClient(server);
    expect((await client.getDefaultDatastore('rg', 'ws')).name).toBe('workspaceblobstore');
    expect(await client.listDatastores('rg', 'ws')).toHaveLength(2);
  });

  test('no default datastore is a not-found error', async () => {
    server.on('GET', DATASTORES, () => ({ status: 200, body: { value: [] } }));
    const e = (await testClient(server).getDefaultDatastore('rg', 'ws').catch((x: unknown) => x)) as StepError;
    expect(e.kind).toBe('not-found');
  });

  test('datastore secrets reach onSecret before they are returned', async () => {
    server.on('POST', /\/datastores\/workspaceblobstore\/listSecrets$/, () => ({ status: 200, body: { secretsType: 'AccountKey', key: 'c3VwZXJzZWNyZXRrZXk=' } }));
    const seen: string[] = [];
    const secrets = await testClient(server).getDatastoreSecrets('rg', 'ws', 'workspaceblobstore', (v) => seen.push(v));
    expect(secrets.key).toBe('c3VwZXJzZWNyZXRrZXk=');
    expect(seen).toEqual(['c3VwZXJzZWNyZXRrZXk=']);
  });

  test('the constructor onSecret is the default for datastore secrets and SAS URIs', async () => {
    server.on('POST', /\/datastores\/sas\/listSecrets$/, () => ({ status: 200, body: { secretsType: 'Sas', sasToken: 'sv=2024&sig=abc' } }));
    server.on('POST', /\/registries\/reg\/models\/m\/versions\/1\/startPendingUpload$/, () => ({
      status: 200,
      body: {
        pendingUploadId: 'p1',
        pendingUploadType: 'TemporaryBlobReference',
        blobReferenceForConsumption: { blobUri: 'https://st.blob.core.windows.net/c/p1', storageAccountArmId: '/x', credential: { credentialType: 'SAS', sasUri: 'https://st.blob.core.windows.net/c/p1?sig=SAS' } },
      },
    }));
    const seen: string[] = [];
    const client = testClient(server, { onSecret: (v) => seen.push(v) });
    await client.getDatastoreSecrets('rg', 'ws', 'sas');
    const upload = await client.registryData.startPendingUpload('rg', 'reg', 'm', '1');
    expect(upload.blobReferenceForConsumption?.blobUri).toBe('https://st.blob.core.windows.net/c/p1');
    expect(seen).toEqual(['sv=2024&sig=abc', 'https://st.blob.core.windows.net/c/p1?sig=SAS']);
    const [post] = server.hits('POST', /startPendingUpload$/);
    expect(post.json).toEqual({ pendingUploadType: 'TemporaryBlobReference' });
    expect(post.query.get('api-version')).toBe('2025-12-01');
  });

  test('the api-version for newer operations is configurable and validated', async () => {
    server.on('GET', /\/registries\/reg$/, () => ({ status: 200, body: { id: 'r', name: 'reg', type: 't', location: 'westeurope', properties: {} } }));
    await testClient(server, { apiVersion: '2026-07-01' }).getRegistry('rg', 'reg');
    expect(server.requests[0].query.get('api-version')).toBe('2026-07-01');
    expect(() => testClient(server, { apiVersion: 'latest' })).toThrow(/Input 'api-version' is not a usable api-version: 'latest' \(an api-version looks like 2025-12-01/);
  });

  test('absent registry resources are undefined', async () => {
    server.on('GET', /\/registries\/reg\/models\/m\/versions\/9$/, () => ({ status: 404, body: { error: { code: 'UserError', message: 'not found', details: [{ code: 'NotFound' }] } } }));
    expect(await testClient(server).getRegistryModelVersion('rg', 'reg', 'm', '9')).toBeUndefined();
  });

  test('schedules: PUT at the newer api-version with the CreateMonitor body intact', async () => {
    const SCHED = /\/schedules\/mon$/;
    const body = {
      properties: {
        trigger: { triggerType: 'Cron', expression: '0 3 * * *' },
        action: { actionType: 'CreateMonitor', monitorDefinition: { computeConfiguration: { computeType: 'ServerlessSpark' }, signals: {} } },
      },
    };
    server.on('PUT', SCHED, (req) => ({ status: 201, body: { id: 's', name: 'mon', type: 't', properties: { ...(req.json as typeof body).properties, provisioningState: 'Succeeded' } } }));
    const result = await testClient(server).schedules.createOrUpdate('rg', 'ws', 'mon', body);
    expect(server.hits('PUT', SCHED)[0].json).toEqual(body);
    expect(result.resource?.properties.action.actionType).toBe('CreateMonitor');
  });

  test('a cloud with a path in its ARM endpoint keeps it', async () => {
    server.on('GET', /\/arm\/subscriptions\/.*\/registries\/reg$/, () => ({ status: 200, body: { id: 'r', name: 'reg', type: 't', properties: {} } }));
    const client = new AzureMlClient({
      credential: staticCredential,
      cloud: { ...cloudFor(server), resourceManager: `${server.base}/arm` },
      subscriptionId: SUB,
      logger: recordingLogger(),
    });
    expect((await client.getRegistry('rg', 'reg'))?.name).toBe('reg');
  });
});
