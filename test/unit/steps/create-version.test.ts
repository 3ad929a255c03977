/**
 * createModelVersion against a workspace that behaves as the service does (a PUT onto an existing version with
 * another path is refused as immutable; 201 creates, 200 updates) and lets a test play "the other run" at the
 * moments a race can be lost: between this run's read and its write.
 */
import { StepError } from '../../../shared/src/core/errors';
import type { AzureMlClient } from '../../../shared/src/azureml/client';
import type { ModelVersion } from '../../../shared/src/azureml/resources';
import type { ModelVersionBody } from '../../../shared/src/specs/model-spec';
import { createModelVersion, latestModelVersion, lostRace, planAutomaticVersion, type CreateVersionRequest } from '../../../shared/src/steps/register-model/create-version';

const uri = (id: string) => `azureml://subscriptions/s/resourcegroups/rg/workspaces/ws/datastores/workspaceblobstore/paths/LocalUpload/${id}/model`;
const body = (id: string, tags: Record<string, string> = {}): ModelVersionBody => ({
  properties: { modelUri: uri(id), modelType: 'custom_model', description: undefined, tags, properties: {}, isAnonymous: false },
});

class FakeWorkspace {
  readonly versions = new Map<string, ModelVersion>();
  readonly puts: Array<{ version: string; status: number }> = [];
  /** Runs just before this run's PUT reaches the service (the other run's write lands first) */
  beforePut?: (version: string) => void;

  store(version: string, b: ModelVersionBody): void {
    this.versions.set(version, { name: version, properties: { ...b.properties, provisioningState: 'Succeeded' } } as unknown as ModelVersion);
  }

  get client(): AzureMlClient {
    return {
      getModelVersion: async (_rg: string, _ws: string, _name: string, v: string) => this.versions.get(v),
      getModelContainer: async () => {
        const nums = [...this.versions.keys()].map(Number).filter(Number.isInteger);
        return { properties: { nextVersion: String(nums.length ? Math.max(...nums) + 1 : 1) } };
      },
      createOrUpdateModelVersion: async (_rg: string, _ws: string, _name: string, v: string, b: ModelVersionBody) => {
        const hook = this.beforePut;
        this.beforePut = undefined;
        hook?.(v);
        const prev = this.versions.get(v);
        if (prev && prev.properties?.modelUri !== b.properties.modelUri) {
          this.puts.push({ version: v, status: 400 });
          throw new StepError('conflict', `write model version 'm:${v}' failed: cannot be changed that way: Immutable`, { status: 400, code: 'Immutable' });
        }
        this.store(v, b);
        const status = prev ? 200 : 201;
        this.puts.push({ version: v, status });
        return { resource: this.versions.get(v)!, status, apiVersion: 'x' };
      },
    } as unknown as AzureMlClient;
  }
}

const logs: string[] = [];
const logger = { info: (m: string) => logs.push(m), debug: () => undefined, warning: (m: string) => logs.push(m) } as unknown as CreateVersionRequest['logger'];

function request(ws: FakeWorkspace, b: ModelVersionBody, extra: Partial<CreateVersionRequest> = {}): CreateVersionRequest {
  return { client: ws.client, resourceGroup: 'rg', workspace: 'ws', name: 'm', version: '1', body: b, automatic: true, logger, ...extra };
}

beforeEach(() => {
  logs.length = 0;
});

test('no race: one PUT, created', async () => {
  const ws = new FakeWorkspace();
  await expect(createModelVersion(request(ws, body('a')))).resolves.toMatchObject({ version: '1', action: 'create' });
  expect(ws.puts).toEqual([{ version: '1', status: 201 }]);
});

test('the planned version was taken before the read: moves on without a refused write', async () => {
  const ws = new FakeWorkspace();
  ws.store('1', body('other'));
  await expect(createModelVersion(request(ws, body('a')))).resolves.toMatchObject({ version: '2', action: 'create' });
  expect(ws.puts).toEqual([{ version: '2', status: 201 }]);
  expect(logs.join('\n')).toMatch(/m:1 was registered by another run meanwhile.*trying version 2/);
});

test('a refused PUT (other content won between read and write) moves an automatic version on to the next free one', async () => {
  const ws = new FakeWorkspace();
  ws.beforePut = (v) => {
    ws.store(v, body('b'));
    ws.store('2', body('c'));
  };
  const r = await createModelVersion(request(ws, body('a')));
  expect(r).toMatchObject({ version: '3', action: 'create' });
  expect(ws.versions.get('1')?.properties?.modelUri).toBe(uri('b'));
  expect(ws.versions.get('3')?.properties?.modelUri).toBe(uri('a'));
  expect(ws.puts).toEqual([
    { version: '1', status: 400 },
    { version: '3', status: 201 },
  ]);
});

test('identical content found before writing is unchanged, and nothing is written', async () => {
  const ws = new FakeWorkspace();
  ws.store('1', body('a', { team: 'risk' }));
  await expect(createModelVersion(request(ws, body('a', { team: 'risk' })))).resolves.toMatchObject({ version: '1', action: 'unchanged' });
  expect(ws.puts).toEqual([]);
});

test('identical content written between read and write (the PUT answers 200) is unchanged', async () => {
  const ws = new FakeWorkspace();
  ws.beforePut = (v) => ws.store(v, body('a'));
  await expect(createModelVersion(request(ws, body('a')))).resolves.toMatchObject({ version: '1', action: 'unchanged' });
  expect(ws.puts).toEqual([{ version: '1', status: 200 }]);
});

test('the same content with other metadata is not this registration: an automatic version moves on', async () => {
  const ws = new FakeWorkspace();
  ws.store('1', body('a', { team: 'other' }));
  await expect(createModelVersion(request(ws, body('a', { team: 'risk' })))).resolves.toMatchObject({ version: '2', action: 'create' });
});

test('an explicit version is never moved on: a lost race with other content is the conflict', async () => {
  const ws = new FakeWorkspace();
  ws.beforePut = (v) => ws.store(v, body('b'));
  await expect(createModelVersion(request(ws, body('a'), { automatic: false, version: '7' }))).rejects.toMatchObject({ kind: 'conflict' });
  ws.store('8', body('b'));
  await expect(createModelVersion(request(ws, body('a'), { automatic: false, version: '8' }))).rejects.toThrow(/version 8 was registered by another run meanwhile/);
  expect([...ws.versions.keys()].sort()).toEqual(['7', '8']);
});

test('the number of attempts is bounded', async () => {
  const ws = new FakeWorkspace();
  let n = 0;
  const client = ws.client;
  const original = client.createOrUpdateModelVersion.bind(client);
  (client as { createOrUpdateModelVersion: unknown }).createOrUpdateModelVersion = async (...args: Parameters<AzureMlClient['createOrUpdateModelVersion']>) => {
    ws.store(args[3], body(`other-${++n}`));
    return original(...args);
  };
  await expect(createModelVersion({ ...request(ws, body('a')), client, maxAttempts: 3 })).rejects.toThrow(/3 versions in a row were taken/);
  expect(ws.puts.map((p) => p.status)).toEqual([400, 400, 400]);
});

test('an aborted deadline stops the retries with its reason', async () => {
  const ws = new FakeWorkspace();
  const ac = new AbortController();
  const timeout = new StepError('timeout', 'the step timed out');
  ac.abort(timeout);
  await expect(createModelVersion(request(ws, body('a'), { signal: ac.signal }))).rejects.toBe(timeout);
  expect(ws.puts).toEqual([]);
});

test('other failures are not taken for a lost race', async () => {
  expect(lostRace(new StepError('conflict', 'x', { status: 400 }))).toBe(true);
  expect(lostRace(new StepError('conflict', 'x', { status: 409 }))).toBe(true);
  expect(lostRace(new StepError('input', 'x', { status: 400 }))).toBe(false);
  expect(lostRace(new StepError('transient', 'x', { status: 503 }))).toBe(false);
  expect(lostRace(new Error('x'))).toBe(false);
});

describe('the automatic version when another run registers at the same time', () => {
  /** The workspace's list, with a hook that runs between this run's list and its container read (the other run's write lands). */
  function planning(ws: FakeWorkspace, between?: () => void): AzureMlClient {
    const client = ws.client;
    const container = client.getModelContainer.bind(client);
    (client as { listModelVersions: unknown }).listModelVersions = async () => {
      const all = [...ws.versions.values()].sort((a, b) => Number(b.name) - Number(a.name));
      return all.slice(0, 1);
    };
    (client as { getModelContainer: unknown }).getModelContainer = async (...args: Parameters<AzureMlClient['getModelContainer']>) => {
      between?.();
      return container(...args);
    };
    return client;
  }

  /** `client` with its version lists counted. */
  function countingLists(client: AzureMlClient): { client: AzureMlClient; lists: () => number } {
    let n = 0;
    const list = client.listModelVersions.bind(client);
    (client as { listModelVersions: unknown }).listModelVersions = async (...args: Parameters<AzureMlClient['listModelVersions']>) => {
      n++;
      return list(...args);
    };
    return { client, lists: () => n };
  }

  test('identical content registered between the list and the container read is found: unchanged, not a second version', async () => {
    const ws = new FakeWorkspace();
    const client = planning(ws, () => ws.store('1', body('a')));
    const plan = await planAutomaticVersion(client, 'rg', 'ws', 'm', body('a'));
    expect(plan).toMatchObject({ version: '1', action: 'unchanged' });
  });

  test('other content registered in between: the next free version', async () => {
    const ws = new FakeWorkspace();
    const client = planning(ws, () => ws.store('1', body('other')));
    expect(await planAutomaticVersion(client, 'rg', 'ws', 'm', body('a'))).toEqual({ version: '2', action: 'create' });
  });

  test('nothing in between: the latest when it holds this content, else the next version, with no second list', async () => {
    const ws = new FakeWorkspace();
    ws.store('1', body('a'));
    const { client, lists } = countingLists(planning(ws));
    expect(await planAutomaticVersion(client, 'rg', 'ws', 'm', body('a'))).toMatchObject({ version: '1', action: 'unchanged' });
    expect(await planAutomaticVersion(client, 'rg', 'ws', 'm', body('b'))).toEqual({ version: '2', action: 'create' });
    expect(lists()).toBe(2);
  });

  test('a latest version already read (latestModelVersion, sent with the other planning reads) is not listed again', async () => {
    const ws = new FakeWorkspace();
    ws.store('1', body('a'));
    const { client, lists } = countingLists(planning(ws));
    const latest = await latestModelVersion(client, 'rg', 'ws', 'm');
    expect(lists()).toBe(1);
    expect(await planAutomaticVersion(client, 'rg', 'ws', 'm', body('a'), { latest })).toMatchObject({ version: '1', action: 'unchanged' });
    expect(await planAutomaticVersion(client, 'rg', 'ws', 'm', body('b'), { latest })).toEqual({ version: '2', action: 'create' });
    expect(lists()).toBe(1);
    // No version yet: an undefined read is an answer too, not a reason to list.
    const empty = countingLists(planning(new FakeWorkspace()));
    expect(await planAutomaticVersion(empty.client, 'rg', 'ws', 'm', body('a'), { latest: undefined })).toEqual({ version: '1', action: 'create' });
    expect(empty.lists()).toBe(0);
  });
});
