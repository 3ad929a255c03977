import { StepError } from '../../../shared/src/core/errors';
import type { RunContext } from '../../../shared/src/hosts/host';
import { evaluateGate } from '../../../shared/src/gate/evaluate';
import { parseGateRules } from '../../../shared/src/gate/rules';
import { recordedMetrics } from '../../../shared/src/gate/recorded-metrics';
import { gateFailure } from '../../../shared/src/gate/summary';
import { findChampion, gateChampion } from '../../../shared/src/promote/champion';
import { registryModels } from '../../../shared/src/promote/model-store';
import { promoteToRegistry, type PromoteRequest } from '../../../shared/src/promote/promote';
import { promoteSummary } from '../../../shared/src/promote/summary';
import { recordingLogger, testClient } from '../azureml/helpers';
import { DENIED_SUB, REG_SUB, SUB, WS_GUID, WS_ID } from './fake-azureml';
import { useFakeAzureMl } from './fixtures';

const RUN: RunContext = {
  system: 'github',
  runUrl: 'https://github.com/contoso/credit/actions/runs/42',
  commit: '0123456789abcdef0123456789abcdef01234567',
  repository: 'contoso/credit',
  ref: 'refs/heads/main',
  actor: 'octocat',
};
const NOW = new Date('2026-07-30T12:00:00.000Z');

const ml = useFakeAzureMl((fake) => {
  fake.addRegistry(REG_SUB, 'rg-registry', 'mlr-shared');
  fake.addWorkspaceVersion('credit', '3', { tags: { team: 'risk' }, properties: { 'metrics.auc': '0.91' }, description: 'gbm' });
});

function request(overrides: Partial<PromoteRequest> = {}): PromoteRequest {
  const client = testClient(ml.server);
  return {
    source: { client, resourceGroup: 'rg', workspace: 'ws', name: 'credit', version: '3' },
    target: { client: client.forSubscription(REG_SUB), resourceGroup: 'rg-registry', registry: 'mlr-shared' },
    run: RUN,
    approver: 'alice@contoso.com',
    logger: recordingLogger(),
    now: () => NOW,
    ...overrides,
  };
}

async function failure(p: Promise<unknown>): Promise<StepError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(StepError);
  return e as StepError;
}

describe('promoteToRegistry', () => {
  test('publish copies the version into the registry in the other subscription, with lineage and the alias', async () => {
    const out = await promoteToRegistry(request({ alias: 'champion' }));
    expect(out.result).toBe('promoted');
    expect(out.mechanism).toBe('publish');
    expect(out.plan.assetId).toBe('azureml://registries/mlr-shared/models/credit/versions/3');
    const [publish] = ml.server.hits('POST', /\/publish$/);
    expect(publish!.path).toBe(`${WS_ID}/models/credit/versions/3/publish`);
    expect(publish!.json).toEqual({ registryName: 'mlr-shared', destinationName: 'credit', destinationVersion: '3' });
    // The registry is read in its own subscription.
    expect(ml.server.hits('GET', /\/registries\/mlr-shared$/)[0]!.path).toBe(`/subscriptions/${REG_SUB}/resourceGroups/rg-registry/providers/Microsoft.MachineLearningServices/registries/mlr-shared`);

    const dest = ml.fake.registryVersion(REG_SUB, 'rg-registry', 'mlr-shared', 'credit', '3')!;
    expect(dest.properties.modelUri).toMatch(/^https:\/\/regstore\.blob\.core\.windows\.net\/mlr-shared\//);
    expect(dest.properties.description).toBe('gbm');
    expect(dest.properties.tags).toEqual({
      team: 'risk',
      'lineage.source_workspace': WS_ID,
      'lineage.source_model': 'credit:3',
      'lineage.source_asset': `azureml://locations/westeurope/workspaces/${WS_GUID}/models/credit/versions/3`,
      'lineage.promoted_at': '2026-07-30T12:00:00.000Z',
      'lineage.ci': 'github',
      'lineage.run_url': RUN.runUrl,
      'lineage.commit': RUN.commit,
      'lineage.repository': 'contoso/credit',
      'lineage.ref': 'refs/heads/main',
      'lineage.actor': 'octocat',
      'lineage.approver': 'alice@contoso.com',
      'lineage.tool': 'aml-lifecycle',
      'alias.champion': '2026-07-30T12:00:00.000Z',
    });
    expect(out.lineage['lineage.source_model']).toBe('credit:3');
    expect(out.lineageWritten).toBe(true);
    expect(out.alias).toEqual({ alias: 'champion', holder: '3', previous: [], changed: true });
    expect(out.destination?.properties.tags?.['alias.champion']).toBeDefined();
    // Properties (immutable) went across untouched.
    expect(dest.properties.properties).toEqual({ 'metrics.auc': '0.91' });
    // The source was marked before the copy started.
    expect(ml.fake.workspaceVersions.get('credit:3')!.properties.tags).toEqual({ team: 'risk', 'promoted_to.mlr-shared': 'credit:3' });
    const order = ml.fake.writes().map((w) => w.replace(/^(\w+) .*\/(versions\/\d+(\/publish)?)$/, '$1 $2'));
    expect(order.slice(0, 2)).toEqual(['PUT versions/3', 'POST versions/3/publish']);

    const md = promoteSummary(out);
    expect(md).toContain('### Promoted credit:3 to registry mlr-shared');
    expect(md).toContain('✅ promoted (publish)');
    expect(md).toContain('`azureml://registries/mlr-shared/models/credit/versions/3`');
    expect(md).toContain(`| \`run_url\` | ${RUN.runUrl} |`);
    expect(md).toContain('| `approver` | `alice@contoso.com` |');
  });

  test('a rerun is a no-op that says so: nothing copied, lineage kept, alias not rewritten', async () => {
    await promoteToRegistry(request({ alias: 'champion' }));
    const before = ml.fake.writes().length;
    const later = new Date('2026-08-01T00:00:00.000Z');
    const out = await promoteToRegistry(request({ alias: 'champion', now: () => later, run: { ...RUN, runUrl: 'https://github.com/x/y/actions/runs/99' } }));
    expect(out.result).toBe('already-promoted');
    expect(out.mechanism).toBeUndefined();
    expect(ml.fake.writes().length).toBe(before);
    expect(out.lineageWritten).toBe(false);
    expect(out.alias?.changed).toBe(false);
    expect(out.lineage['lineage.promoted_at']).toBe('2026-07-30T12:00:00.000Z');
    expect(out.lineage['lineage.run_url']).toBe(RUN.runUrl);
    expect(promoteSummary(out)).toContain('already promoted from this source');
  });

  test('a destination version holding something else is a conflict; nothing is written', async () => {
    ml.fake.addRegistryVersion(REG_SUB, 'rg-registry', 'mlr-shared', 'credit', '3', { tags: { owner: 'someone' } });
    const e = await failure(promoteToRegistry(request()));
    expect(e.kind).toBe('conflict');
    expect(e.message).toMatch(/^Registry 'mlr-shared' already holds credit:3, with no promotion lineage/);
    expect(e.message).toMatch(/nothing was overwritten/);
    expect(ml.fake.writes()).toEqual([]);

    ml.fake.addRegistryVersion(REG_SUB, 'rg-registry', 'mlr-shared', 'credit', '3', {
      tags: { 'lineage.source_workspace': '/subscriptions/x/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/other', 'lineage.source_model': 'credit:7' },
    });
    const e2 = await failure(promoteToRegistry(request()));
    expect(e2.message).toMatch(/promoted from credit:7 in \/subscriptions\/x\/.*\/workspaces\/other, not from credit:3 in workspace 'ws'/);
  });

  test('another destination name and version', async () => {
    const out = await promoteToRegistry(request({ target: { ...request().target, name: 'credit-risk', version: '2026.07.1' } }));
    expect(out.plan.assetId).toBe('azureml://registries/mlr-shared/models/credit-risk/versions/2026.07.1');
    expect(ml.server.hits('POST', /\/publish$/)[0]!.json).toEqual({ registryName: 'mlr-shared', destinationName: 'credit-risk', destinationVersion: '2026.07.1' });
    expect(ml.fake.registryVersion(REG_SUB, 'rg-registry', 'mlr-shared', 'credit-risk', '2026.07.1')?.properties.tags?.['lineage.source_model']).toBe('credit:3');
  });

  test('publish unavailable: falls back to registry discovery and import', async () => {
    ml.fake.options.publishUnavailable = true;
    const logger = recordingLogger();
    const out = await promoteToRegistry(request({ logger }));
    expect(out.result).toBe('promoted');
    expect(out.mechanism).toBe('import');
    expect(out.fallbackReason).toBe('NoRegisteredProviderFound');
    const [disc] = ml.server.hits('GET', /\/discovery$/);
    expect(disc!.headers.authorization).toBe('Bearer test-access-token');
    const [imp] = ml.server.hits('POST', /\/import$/);
    expect(imp!.path).toBe(`/mferp/managementfrontend/subscriptions/${REG_SUB}/resourceGroups/rg-registry/providers/Microsoft.MachineLearningServices/registries/mlr-shared/import`);
    expect(imp!.query.get('api-version')).toBe('2021-10-01-dataplanepreview');
    expect(imp!.json).toEqual({
      properties: {
        referenceType: 'Id',
        sourceAssetId: `azureml://locations/westeurope/workspaces/${WS_GUID}/models/credit/versions/3`,
        destinationName: 'credit',
        destinationVersion: '3',
      },
    });
    expect(ml.fake.registryVersion(REG_SUB, 'rg-registry', 'mlr-shared', 'credit', '3')?.properties.tags?.['lineage.source_model']).toBe('credit:3');
    expect(logger.lines.some((l) => /Publish is not available here .*NoRegisteredProviderFound/.test(l.message))).toBe(true);
    expect(promoteSummary(out)).toContain('registry import; publish unavailable: NoRegisteredProviderFound');
  });

  test('the registry missing is a clear not-found naming it, its resource group and subscription', async () => {
    const e = await failure(promoteToRegistry(request({ target: { ...request().target, registry: 'nope-reg' } })));
    expect(e.kind).toBe('not-found');
    expect(e.message).toBe(`Registry 'nope-reg' was not found in resource group 'rg-registry' of subscription ${REG_SUB}.`);
    expect(ml.fake.writes()).toEqual([]);
  });

  test('no access to the registry subscription: an auth error naming the principal and scope', async () => {
    const client = testClient(ml.server);
    const e = await failure(promoteToRegistry(request({ target: { client: client.forSubscription(DENIED_SUB), resourceGroup: 'rg-registry', registry: 'mlr-shared' } })));
    expect(e.kind).toBe('auth');
    expect(e.status).toBe(403);
    expect(e.message).toMatch(/principal 'app-without-access' \(object id 7f0c0000-0000-0000-0000-000000000007\) may not perform 'Microsoft\.MachineLearningServices\/registries\/read'/);
    expect(e.message).toContain(`/subscriptions/${DENIED_SUB}/`);
    expect(ml.fake.writes()).toEqual([]);
  });

  test('a missing source version is a not-found naming the workspace', async () => {
    const e = await failure(promoteToRegistry(request({ source: { ...request().source, version: '9' } })));
    expect(e.kind).toBe('not-found');
    expect(e.message).toBe("Model credit:9 was not found in workspace 'ws' (resource group 'rg').");
  });

  test('a copy operation that ends Failed is a classified failure, never success, with no lineage written', async () => {
    ml.fake.options.copyFailsWith = 'ModelCopyFailed';
    const e = await failure(promoteToRegistry(request({ alias: 'champion' })));
    expect(e.kind).toBe('service');
    expect(e.code).toBe('ModelCopyFailed');
    expect(e.message).toMatch(/publish model version 'credit:3' to registry 'mlr-shared' ended Failed: ModelCopyFailed: The copy of the model blobs failed\./);
    expect(ml.server.hits('PUT', /\/registries\//)).toHaveLength(0);
  });

  test('a failed copy through import is not retried through publish either way', async () => {
    ml.fake.options.publishUnavailable = true;
    ml.fake.options.copyFailsWith = 'ImportFailed';
    const e = await failure(promoteToRegistry(request()));
    expect(e.code).toBe('ImportFailed');
    expect(e.message).toMatch(/^import azureml:\/\/locations\/.* into registry 'mlr-shared' ended Failed/);
  });

  test('a "copy" that still points at the workspace storage is not reported as promoted', async () => {
    ml.fake.options.copyKeepsWorkspaceUri = true;
    const e = await failure(promoteToRegistry(request()));
    expect(e.kind).toBe('service');
    expect(e.message).toMatch(/credit:3 in registry 'mlr-shared' points at azureml:\/\/subscriptions\/.*workspaces\/ws\/datastores\/.*, which is not a copy \(it is the source version’s own URI\)/);
    expect(ml.server.hits('PUT', /\/registries\//)).toHaveLength(0);
  });

  test('503s and a dropped connection while polling the copy are retried, and the promotion completes', async () => {
    ml.fake.options.pollFaults = [{ status: 503, body: { error: { code: 'ServiceUnavailable', message: 'busy' } } }, 'drop', { status: 503, headers: { 'Retry-After': '0' } }];
    const out = await promoteToRegistry(request());
    expect(out.result).toBe('promoted');
    expect(ml.fake.options.pollFaults).toEqual([]);
    expect(ml.server.hits('GET', /\/assetstore\/v1\.0\/operations\//).length).toBeGreaterThanOrEqual(5);
  });

  test('a copy whose polling keeps failing is a transient failure, and nothing is reported promoted', async () => {
    ml.fake.options.pollFaults = Array.from({ length: 50 }, () => ({ status: 503, body: { error: { code: 'ServiceUnavailable', message: 'busy' } } }));
    const client = testClient(ml.server, { retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 10 } });
    const e = await failure(
      promoteToRegistry(request({ source: { ...request().source, client }, target: { ...request().target, client: client.forSubscription(REG_SUB) } })),
    );
    expect(e.kind).toBe('transient');
    expect(e.message).toMatch(/publish model version 'credit:3' to registry 'mlr-shared' still failed with HTTP 503 after 2 retries/);
    expect(ml.server.hits('PUT', /\/registries\//)).toHaveLength(0);
  });

  test('a copy that finished but whose lineage write failed is recognised on rerun, verified and labelled', async () => {
    // The registry refuses the lineage PUT (after the copy) until the "outage" ends.
    const REG_V = /\/registries\/mlr-shared\/models\/credit\/versions\/3$/;
    ml.server.on('PUT', REG_V, () => ({ status: 500, body: { error: { code: 'InternalServerError', message: 'down' } } }));
    const client = testClient(ml.server, { retry: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 10 } });
    const e = await failure(promoteToRegistry(request({ source: { ...request().source, client }, target: { ...request().target, client: client.forSubscription(REG_SUB) } })));
    expect(e.kind).toBe('transient');
    expect(ml.fake.registryVersion(REG_SUB, 'rg-registry', 'mlr-shared', 'credit', '3')?.properties.tags).toEqual({ team: 'risk', 'promoted_to.mlr-shared': 'credit:3' });

    ml.server.reset();
    ml.fake.install();
    const out = await promoteToRegistry(request());
    expect(out).toMatchObject({ result: 'promoted', resumed: true, lineageWritten: true });
    expect(out.mechanism).toBeUndefined();
    expect(ml.server.hits('POST', /\/publish$/)).toHaveLength(0);
    expect(ml.fake.registryVersion(REG_SUB, 'rg-registry', 'mlr-shared', 'credit', '3')?.properties.tags?.['lineage.source_model']).toBe('credit:3');
    expect(promoteSummary(out)).toContain('the copy made by an earlier run was verified');
    expect((await promoteToRegistry(request())).result).toBe('already-promoted');
  });

  test('a source marked for another destination does not make an unlabelled version its copy', async () => {
    ml.fake.addWorkspaceVersion('credit', '3', { tags: { 'promoted_to.mlr-shared': 'credit:2' } });
    ml.fake.addRegistryVersion(REG_SUB, 'rg-registry', 'mlr-shared', 'credit', '3');
    const e = await failure(promoteToRegistry(request()));
    expect(e.kind).toBe('conflict');
    expect(e.hint).toMatch(/stopped after the copy and before its lineage was written/);
  });

  test('lineage that does not stick is an error, not success', async () => {
    ml.fake.options.dropTagWrites = true;
    const e = await failure(promoteToRegistry(request()));
    expect(e.message).toMatch(/was copied, but its lineage tags did not stick \(lineage\.source_workspace, /);
  });

  test('dry run: the plan, and nothing written', async () => {
    const out = await promoteToRegistry(request({ dryRun: true, alias: 'champion' }));
    expect(out.result).toBe('dry-run');
    expect(out.plan.action).toBe('promote');
    expect(ml.fake.writes()).toEqual([]);
    expect(promoteSummary(out)).toContain('dry run: would copy');
  });

  test('a failing gate in beforeWrite stops the promotion before anything is written', async () => {
    ml.fake.addRegistryVersion(REG_SUB, 'rg-registry', 'mlr-shared', 'credit', '2', { properties: { 'metrics.auc': '0.95' }, tags: { 'alias.champion': 'x' } });
    const rules = parseGateRules('auc >= champion - 0.01', 'gate');
    const e = await failure(
      promoteToRegistry(
        request({
          beforeWrite: async (plan) => {
            const store = registryModels(testClient(ml.server).forSubscription(REG_SUB), 'rg-registry', 'mlr-shared');
            const champion = await findChampion(store, plan.name, { exclude: plan.version });
            const result = evaluateGate(rules, recordedMetrics(plan.sourceVersion), gateChampion(champion));
            if (!result.passed) throw gateFailure(result, `the promotion of ${plan.source}`);
          },
        }),
      ),
    );
    expect(e.code).toBe('GateFailed');
    expect(e.message).toMatch(/'auc >= champion - 0\.01': 0\.91 is not >= 0\.94 \(champion 0\.95 - 0\.01\)/);
    expect(ml.fake.writes()).toEqual([]);
  });
});
