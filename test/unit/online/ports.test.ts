import { bindPorts } from '../../../shared/src/online/ports';
import type { WorkspaceConnection } from '../../../shared/src/steps/workspace';
import { ScriptedServer } from '../azureml/scripted-server';
import { cloudFor, staticCredential, SUB, testClient, WS_PATH } from '../azureml/helpers';

const EP = /\/onlineEndpoints\/ep$/;
const ASYNC = /\/mfeOperationsStatus\//;

function endpoint(traffic: Record<string, number>, state = 'Succeeded') {
  return {
    id: `${WS_PATH}/onlineEndpoints/ep`,
    name: 'ep',
    location: 'westeurope',
    properties: { authMode: 'Key', provisioningState: state, traffic, scoringUri: 'https://ep.westeurope.inference.ml.azure.com/score' },
  };
}

describe('deploy-online ports: the endpoint a traffic write left', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await ScriptedServer.start();
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  function bound() {
    const conn: WorkspaceConnection = {
      client: testClient(server),
      scope: { subscriptionId: SUB, resourceGroup: 'rg', workspaceName: 'ws' },
      cloud: cloudFor(server),
      credential: staticCredential,
      principal: 'test',
      timeoutMs: 60_000,
      dryRun: false,
    };
    return bindPorts(
      {
        conn,
        endpointName: 'ep',
        endpointBody: { location: 'westeurope', properties: { authMode: 'Key' } },
        deploymentBody: { location: 'westeurope', properties: { endpointComputeType: 'Managed' } },
        signal: new AbortController().signal,
        onTriage: () => undefined,
      },
      async () => undefined,
    );
  }

  test('is the final GET of the traffic operation, so nothing reads the endpoint again', async () => {
    const asyncUrl = `${server.base}/subscriptions/${SUB}/providers/Microsoft.MachineLearningServices/locations/westeurope/mfeOperationsStatus/oe:x:1?sig=s`;
    server.on('PUT', EP, () => ({ status: 201, headers: { 'Azure-AsyncOperation': asyncUrl }, body: endpoint({ blue: 75, green: 25 }, 'Updating') }));
    server.on('GET', ASYNC, () => ({ status: 200, body: { status: 'Succeeded' } }));
    server.on('GET', EP, () => ({ status: 200, body: endpoint({ blue: 75, green: 25 }) }));
    const b = bound();
    expect(b.lastEndpoint()).toBeUndefined();
    await b.ports.setTraffic({ blue: 75, green: 25 }, {}, new AbortController().signal);
    expect(b.lastEndpoint()?.properties.traffic).toEqual({ blue: 75, green: 25 });
    expect(b.lastEndpoint()?.properties.scoringUri).toMatch(/\/score$/);
    expect(server.hits('PUT', EP)[0].json).toMatchObject({ properties: { traffic: { blue: 75, green: 25 }, mirrorTraffic: {} } });
    expect(server.hits('GET', EP)).toHaveLength(1);
    b.close();
  });

  test('is unknown again after a traffic write that failed', async () => {
    server.sequence('PUT', EP, [
      { status: 200, body: endpoint({ blue: 100 }) },
      { status: 400, body: { error: { code: 'BadArgument', message: 'Traffic must sum to 100.' } } },
    ]);
    const b = bound();
    await b.ports.setTraffic({ blue: 100 }, {}, new AbortController().signal);
    expect(b.lastEndpoint()?.properties.traffic).toEqual({ blue: 100 });
    await expect(b.ports.setTraffic({ blue: 90 }, {}, new AbortController().signal)).rejects.toThrow(/Traffic must sum to 100/);
    expect(b.lastEndpoint()).toBeUndefined();
    b.close();
  });
});
