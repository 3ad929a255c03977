import { join } from 'node:path';
import { JsonStore } from '../../shared/emulator/src/state/json-store';
import { emptyState, type ArmState } from '../../shared/emulator/src/state/model';
import { NOT_ENDED, startOperation, viewOperation } from '../../shared/emulator/src/lro/operation';
import { assetStoreAcceptedHeaders } from '../../shared/emulator/src/lro/poll-urls';
import { sleep, startTestEmulator } from './harness';

const base = { resourceType: 'Microsoft.MachineLearningServices/registries/models/versions', prefix: 'rmv', subscriptionId: 's', workspaceId: 'w', location: 'eastus' };

test('status is computed from the clock: running status, then the outcome with an end time', () => {
  const state = emptyState();
  state.settings.durations = { versions: 1000 };
  const op = startOperation(state, { ...base, resourceId: '/x/versions/1', kind: 'create', runningStatus: 'Creating', now: 10_000 });
  expect(op.durationMs).toBe(1000);
  expect(viewOperation(op, 10_500)).toMatchObject({ status: 'Creating', done: false, endTime: NOT_ENDED });
  expect(viewOperation(op, 11_000)).toMatchObject({ status: 'Succeeded', done: true, endTime: new Date(11_000).toISOString() });
});

test('an injected failure with times: 1 fails one operation only', () => {
  const state = emptyState();
  state.settings.provisioningFailures = [{ resourceIdPattern: 'versions/1$', code: 'ImageBuildFailure', message: 'build failed', times: 1 }];
  const a = startOperation(state, { ...base, resourceId: '/x/versions/1', kind: 'create', runningStatus: 'Creating', now: 0 });
  const b = startOperation(state, { ...base, resourceId: '/x/versions/1', kind: 'update', runningStatus: 'Updating', now: 0 });
  expect(viewOperation(a, 1e9)).toMatchObject({ status: 'Failed', error: { code: 'ImageBuildFailure', message: 'build failed' } });
  expect(viewOperation(b, 1e9).status).toBe('Succeeded');
});

test('asset-store style operations poll 202 with an empty body, then 200 with the result', async () => {
  const t = await startTestEmulator();
  try {
    const store = new JsonStore<ArmState>(join(t.stateDir, 'arm.json'), emptyState);
    const op = await store.update((s) => {
      // Long enough that the first poll sees it running on a loaded machine; the test then ends it by hand.
      s.settings.durations = { versions: 60_000 };
      return startOperation(s, {
        ...base,
        resourceId: '/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/registries/reg/models/m/versions/1',
        kind: 'create',
        style: 'assetstore',
        runningStatus: 'Creating',
        result: { assetId: 'azureml://registries/reg/models/m/versions/1' },
        now: Date.now(),
      });
    });
    const location = assetStoreAcceptedHeaders(t.url, op).Location;
    expect(location).toBe(`${t.url}/assetstore/v1.0/operations/${op.id}`);
    const running = await t.arm('GET', location, undefined, { apiVersion: null });
    expect(running.status).toBe(202);
    expect(running.text).toBe('');
    await store.update((s) => {
      s.operations[op.id]!.durationMs = 0;
    });
    const done = await t.arm('GET', location, undefined, { apiVersion: null });
    expect(done.status).toBe(200);
    expect(done.json).toEqual({ assetId: 'azureml://registries/reg/models/m/versions/1' });
    expect((await t.arm('GET', location, undefined, { apiVersion: null, token: null })).status).toBe(401);
  } finally {
    await t.stop();
  }
});
