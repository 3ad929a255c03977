import { StepError } from '../../../shared/src/core/errors';
import { aliasHolders, holdsAlias, moveAlias, validateAlias } from '../../../shared/src/promote/aliases';
import { findChampion, gateChampion } from '../../../shared/src/promote/champion';
import { registryModels, workspaceModels, type ModelStore } from '../../../shared/src/promote/model-store';
import { testClient } from '../azureml/helpers';
import { REG_SUB } from './fake-azureml';
import { useFakeAzureMl } from './fixtures';

const ml = useFakeAzureMl((fake) => fake.addRegistry(REG_SUB, 'rg-registry', 'mlr-shared'));

const T1 = new Date('2026-07-30T12:00:00.000Z');
const T2 = new Date('2026-08-02T08:00:00.000Z');

function stores(): Array<[string, () => ModelStore, (v: string, props?: Record<string, unknown>) => void, (v: string) => Record<string, string>]> {
  return [
    [
      'workspace',
      () => workspaceModels(testClient(ml.server), 'rg', 'ws'),
      (v, props) => void ml.fake.addWorkspaceVersion('credit', v, props),
      (v) => ml.fake.workspaceVersions.get(`credit:${v}`)?.properties.tags ?? {},
    ],
    [
      'registry',
      () => registryModels(testClient(ml.server).forSubscription(REG_SUB), 'rg-registry', 'mlr-shared'),
      (v, props) => void ml.fake.addRegistryVersion(REG_SUB, 'rg-registry', 'mlr-shared', 'credit', v, props),
      (v) => ml.fake.registryVersion(REG_SUB, 'rg-registry', 'mlr-shared', 'credit', v)?.properties.tags ?? {},
    ],
  ];
}

describe.each(stores())('aliases in a %s', (_kind, store, add, tagsOf) => {
  test('moving an alias tags the new holder, untags the old one, and a rerun writes nothing', async () => {
    add('1', { tags: { team: 'risk', 'alias.champion': '2026-01-01T00:00:00.000Z' } });
    add('2', { tags: { team: 'risk' } });
    const moved = await moveAlias(store(), 'credit', '2', 'champion', { now: T1 });
    expect(moved).toEqual({ alias: 'champion', holder: '2', previous: ['1'], changed: true });
    expect(tagsOf('2')).toEqual({ team: 'risk', 'alias.champion': '2026-07-30T12:00:00.000Z' });
    expect(tagsOf('1')).toEqual({ team: 'risk' });
    // The new holder is tagged before the old one is untagged: there is always a holder.
    const puts = ml.server.requests.filter((r) => r.method === 'PUT').map((r) => r.path.split('/').at(-1));
    expect(puts).toEqual(['2', '1']);

    const writes = ml.server.requests.filter((r) => r.method === 'PUT').length;
    const again = await moveAlias(store(), 'credit', '2', 'champion', { now: T2 });
    expect(again).toEqual({ alias: 'champion', holder: '2', previous: ['2'], changed: false });
    expect(ml.server.requests.filter((r) => r.method === 'PUT').length).toBe(writes);
    expect(tagsOf('2')['alias.champion']).toBe('2026-07-30T12:00:00.000Z');
    expect((await aliasHolders(store(), 'credit', 'champion')).map((v) => v.name)).toEqual(['2']);
  });

  test('several holders (a broken earlier state) end with exactly one; other tags and fields are kept', async () => {
    add('1', { tags: { 'alias.prod': 'true' }, description: 'first' });
    add('2', { tags: { 'alias.prod': 'yes', 'alias.champion': 'x' } });
    add('3', { tags: {} });
    const moved = await moveAlias(store(), 'credit', '3', 'prod', { now: T1 });
    expect(moved.previous.sort()).toEqual(['1', '2']);
    expect((await aliasHolders(store(), 'credit', 'prod')).map((v) => v.name)).toEqual(['3']);
    expect(tagsOf('2')).toEqual({ 'alias.champion': 'x' });
    const one = ml.server.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/versions/1')).at(-1)!;
    expect((one.json as { properties: Record<string, unknown> }).properties).toMatchObject({ description: 'first', modelType: 'custom_model' });
    expect((one.json as { properties: Record<string, unknown> }).properties).not.toHaveProperty('provisioningState');
  });

  test('an alias valued false or empty is not held', async () => {
    add('1', { tags: { 'alias.champion': 'false' } });
    add('2', { tags: { 'alias.champion': '' } });
    expect(await aliasHolders(store(), 'credit', 'champion')).toEqual([]);
  });

  test('moving an alias to a version that does not exist is an error, and nothing is written', async () => {
    add('1', { tags: { 'alias.champion': 'x' } });
    const e = await moveAlias(store(), 'credit', '9', 'champion').catch((x: unknown) => x as StepError);
    expect(e).toBeInstanceOf(StepError);
    expect((e as StepError).message).toMatch(/^Cannot move alias 'champion': model credit:9 does not exist in (workspace 'ws'|registry 'mlr-shared')/);
    expect(ml.server.requests.filter((r) => r.method === 'PUT')).toEqual([]);
  });

  test('the champion is the alias holder, else the newest version, never the candidate', async () => {
    expect(await findChampion(store(), 'credit')).toBeUndefined();
    add('1', { properties: { 'metrics.auc': '0.8' } });
    add('2', { properties: { 'metrics.auc': '0.85' }, tags: { 'alias.champion': 't' } });
    add('3', { tags: { auc: '0.7' } });
    const byAlias = await findChampion(store(), 'credit');
    expect(byAlias).toMatchObject({ via: 'alias', alias: 'champion' });
    expect(byAlias?.version.name).toBe('2');
    expect(gateChampion(byAlias)).toEqual({ label: 'credit:2 (alias champion)', metrics: { auc: 0.85 } });

    const latest = await findChampion(store(), 'credit', { alias: 'prod' });
    expect(latest?.version.name).toBe('3');
    expect(gateChampion(latest)).toEqual({ label: 'credit:3 (latest)', metrics: { auc: 0.7 } });
    expect((await findChampion(store(), 'credit', { alias: 'prod', exclude: '3' }))?.version.name).toBe('2');
    expect((await findChampion(store(), 'credit', { exclude: '2' }))?.via).toBe('latest');
    expect(gateChampion(undefined)).toBeUndefined();
  });
});

describe('alias names', () => {
  test('valid names pass; invalid and reserved ones name the input', () => {
    expect(validateAlias(' champion ', 'alias')).toBe('champion');
    expect(validateAlias('prod-eu_2', 'alias')).toBe('prod-eu_2');
    expect(() => validateAlias('2prod', 'alias')).toThrow(/^Input 'alias': '2prod' is not a valid alias/);
    expect(() => validateAlias('has space', 'alias')).toThrow(/not a valid alias/);
    expect(() => validateAlias('Latest', 'alias')).toThrow(/'latest' always means the newest version/);
  });

  test('holdsAlias reads the alias.<name> tag', () => {
    expect(holdsAlias({ properties: { tags: { 'alias.champion': '2026-01-01' } } }, 'champion')).toBe(true);
    expect(holdsAlias({ properties: { tags: { 'alias.champion': 'FALSE' } } }, 'champion')).toBe(false);
    expect(holdsAlias({ properties: { tags: { champion: 'true' } } }, 'champion')).toBe(false);
    expect(holdsAlias({ properties: {} }, 'champion')).toBe(false);
  });
});
