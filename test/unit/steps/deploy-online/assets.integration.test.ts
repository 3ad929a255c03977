// deploy-online's asset resolution against the emulator: labels resolved (model aliases, environment @latest),
// references that need no look-up left as ids, and nothing written while planning.
import { createCredential } from '../../../../shared/src/auth/credential';
import { resolveCloud } from '../../../../shared/src/auth/clouds';
import { AzureMlClient } from '../../../../shared/src/azureml/client';
import { loadOnlineDeploymentSpec } from '../../../../shared/src/specs/online';
import { planAssets } from '../../../../shared/src/online/assets';
import { isArmWrite, startTestEmulator, type TestEmulator } from '../../../support/emulator';
import { recordingLogger } from '../../azureml/helpers';

let t: TestEmulator;
let client: AzureMlClient;
const logger = recordingLogger();
const scope = () => ({ subscriptionId: t.env.AZURE_SUBSCRIPTION_ID, resourceGroup: t.env.AML_RESOURCE_GROUP, workspaceName: t.env.AML_WORKSPACE });

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 200 });
  const world = t.world as unknown as { identity: { tenantId: string; apps: { appId: string; secrets: { value: string }[] }[] } };
  const app = world.identity.apps[0];
  const cloud = resolveCloud({ cloud: 'Custom', armEndpoint: t.env.AML_ARM_ENDPOINT, authorityHost: t.env.AML_AUTHORITY_HOST, armAudience: t.env.AML_ARM_AUDIENCE, mlAudience: t.env.AML_ML_AUDIENCE });
  const credential = createCredential({ type: 'service-principal-secret', tenantId: world.identity.tenantId, clientId: app.appId, clientSecret: app.secrets[0].value }, { cloud, onSecret: () => undefined, logger });
  client = new AzureMlClient({ credential, cloud, subscriptionId: t.env.AZURE_SUBSCRIPTION_ID, logger, pollSchedule: () => 100 });
  const { resourceGroup: rg, workspaceName: ws } = scope();
  for (const v of ['1', '2']) await client.assets.createOrUpdateEnvironmentVersion(rg, ws, 'sk-env', v, { properties: { image: `mcr.microsoft.com/azureml/base:${v}` } });
  for (const v of ['1', '2', '3']) {
    const tags: Record<string, string> = v === '2' ? { 'alias.champion': 'true' } : {};
    await client.createOrUpdateModelVersion(rg, ws, 'credit', v, { properties: { modelUri: `azureml://datastores/workspaceblobstore/paths/m/${v}`, modelType: 'custom_model', tags } });
  }
}, 60_000);
afterAll(() => t?.stop());

const plan = (model: string, environment: string) =>
  loadOnlineDeploymentSpec({ inputs: { endpointName: 'credit-ep', deploymentName: 'blue', model, environment, code: 'azureml:score-code:1', scoringScript: 'score.py', instanceType: 'Standard_DS3_v2' } });

test('an alias and @latest resolve to versions; nothing is written while planning', async () => {
  const since = await t.control.lastSeq();
  const r = await planAssets({ client, scope: scope(), logger }, plan('azureml:credit@champion', 'azureml:sk-env@latest'));
  expect(r.ids.modelId).toMatch(/\/models\/credit\/versions\/2$/);
  expect(r.ids.environmentId).toMatch(/\/environments\/sk-env\/versions\/2$/);
  expect(r.ids.codeId).toMatch(/\/codes\/score-code\/versions\/1$/);
  expect(r.writes).toEqual([]);
  // The code reference is checked by the doctor: it does not exist here.
  const code = r.references.find((x) => x.input === 'code')!;
  expect(await code.exists()).toBe(false);
  expect(await r.references.find((x) => x.input === 'model')!.exists()).toBe(true);
  expect((await t.control.journal(since)).filter(isArmWrite)).toEqual([]);
});

test('labels that match nothing name the input', async () => {
  await expect(planAssets({ client, scope: scope(), logger }, plan('azureml:credit@prod', 'azureml:sk-env:1'))).rejects.toMatchObject({ input: 'model', message: expect.stringMatching(/alias\.prod|matches no version/) });
  await expect(planAssets({ client, scope: scope(), logger }, plan('azureml:credit:1', 'azureml:nope-env@latest'))).rejects.toMatchObject({ input: 'environment', message: expect.stringMatching(/matches no version of environment nope-env/) });
});

test('an inline environment with a local Docker build context: uploaded, created with contextUri, reused on the next plan', async () => {
  const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'arc-build-'));
  mkdirSync(join(dir, 'docker-context'));
  writeFileSync(join(dir, 'docker-context', 'Dockerfile'), 'FROM mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest\nRUN pip install scikit-learn\n');
  writeFileSync(
    join(dir, 'deployment.yml'),
    'name: blue\nendpoint_name: credit-ep\nmodel: azureml:credit:1\ncode_configuration: {code: azureml:score-code:1, scoring_script: score.py}\nenvironment:\n  build:\n    path: ./docker-context\n    dockerfile_path: Dockerfile\ninstance_type: Standard_DS3_v2\n',
  );
  const spec = loadOnlineDeploymentSpec({ file: join(dir, 'deployment.yml') });
  const since = await t.control.lastSeq();
  const first = await planAssets({ client, scope: scope(), logger }, spec);
  expect((await t.control.journal(since)).filter(isArmWrite)).toEqual([]);
  const write = first.writes.find((w) => /build context/.test(w.what))!;
  expect(write.what).toMatch(/^upload 1 build context files and create environment CliV2AnonymousEnvironment:[0-9a-f]{32}$/);
  await write.apply();
  const version = first.ids.environmentId!.split('/').pop()!;
  const created = (await client.assets.getEnvironmentVersion(scope().resourceGroup, scope().workspaceName, 'CliV2AnonymousEnvironment', version)) as { properties: { build?: { contextUri?: string; dockerfilePath?: string } } };
  expect(created.properties.build?.dockerfilePath).toBe('Dockerfile');
  expect(created.properties.build?.contextUri).toMatch(/\/LocalUpload\/[0-9a-f]+\/docker-context\/$/);
  // The same context again: the same version, nothing to write.
  const again = await planAssets({ client, scope: scope(), logger }, spec);
  expect(again.ids.environmentId).toBe(first.ids.environmentId);
  expect(again.writes.filter((w) => /environment/.test(w.what))).toEqual([]);
});
