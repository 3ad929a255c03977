import type { ModelVersion } from '../../../shared/src/azureml/resources';
import { LINEAGE_GRACE_MS, settleDestination, type SettleRequest } from '../../../shared/src/promote/concurrent-promotion';

const WS = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const START = Date.parse('2026-03-01T12:00:00Z');

function version(state: string, tags: Record<string, string> = {}, changedAt = START): ModelVersion {
  return {
    name: '1',
    properties: { modelUri: 'https://reg/blob/x', provisioningState: state, tags },
    systemData: { createdAt: new Date(changedAt).toISOString(), lastModifiedAt: new Date(changedAt).toISOString() },
  } as unknown as ModelVersion;
}
const lineage = (model = 'm:1', ws = WS) => ({ 'lineage.source_workspace': ws, 'lineage.source_model': model });

/** Reads answer from `script` in turn (the last one repeats); time only moves with the waits. */
function scripted(script: Array<ModelVersion | undefined>, extra: Partial<SettleRequest> = {}) {
  let t = START;
  let reads = 0;
  const waits: string[] = [];
  const req: SettleRequest = {
    read: async () => script[Math.min(reads++, script.length - 1)],
    sourceWorkspaceId: WS.toUpperCase(),
    sourceModel: 'm:1',
    awaitLineage: true,
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
    onWait: (why) => waits.push(why),
    ...extra,
  };
  return { req, reads: () => reads, elapsed: () => t - START, waits };
}

test('a settled version with lineage from this source is promoted, at the first read', async () => {
  const s = scripted([version('Succeeded', lineage())]);
  await expect(settleDestination(s.req)).resolves.toMatchObject({ kind: 'promoted' });
  expect(s.reads()).toBe(1);
  expect(s.waits).toEqual([]);
});

test('a copy in flight is waited out, then its lineage is waited for, then it is the other run’s promotion', async () => {
  const s = scripted([version('Creating'), version('Creating'), version('Succeeded'), version('Updating'), version('Succeeded', lineage())]);
  const r = await settleDestination(s.req);
  expect(r).toMatchObject({ kind: 'promoted' });
  expect(s.reads()).toBe(5);
  expect(s.waits).toHaveLength(1);
  expect(s.waits[0]).toMatch(/Creating/);
  expect(s.elapsed()).toBeLessThan(LINEAGE_GRACE_MS);
});

test('lineage from another source is reported as such (the caller refuses it)', async () => {
  const s = scripted([version('Updating'), version('Succeeded', lineage('other:3'))]);
  await expect(settleDestination(s.req)).resolves.toMatchObject({ kind: 'other' });
});

test('a version changed long ago without lineage is an earlier run that stopped: no waiting', async () => {
  const s = scripted([version('Succeeded', {}, START - 10 * LINEAGE_GRACE_MS)]);
  await expect(settleDestination(s.req)).resolves.toMatchObject({ kind: 'no-lineage' });
  expect(s.reads()).toBe(1);
});

test('a fresh version whose lineage never comes is given up on after the grace period', async () => {
  const s = scripted([version('Succeeded', {}, START)]);
  await expect(settleDestination(s.req)).resolves.toMatchObject({ kind: 'no-lineage' });
  expect(s.reads()).toBeGreaterThan(3);
  expect(s.elapsed()).toBeGreaterThanOrEqual(LINEAGE_GRACE_MS);
  expect(s.elapsed()).toBeLessThan(LINEAGE_GRACE_MS + 5000);
});

test('without awaitLineage a settled version is judged at once', async () => {
  const s = scripted([version('Updating'), version('Succeeded')], { awaitLineage: false });
  await expect(settleDestination(s.req)).resolves.toMatchObject({ kind: 'no-lineage' });
  expect(s.reads()).toBe(2);
});

test('a version that disappears, or ends Failed, is reported so', async () => {
  await expect(settleDestination(scripted([version('Creating'), undefined]).req)).resolves.toEqual({ kind: 'absent' });
  await expect(settleDestination(scripted([version('Creating'), version('Failed')]).req)).resolves.toMatchObject({ kind: 'failed' });
});

test('an operation that never settles ends at the limit with what was read last', async () => {
  const s = scripted([version('Updating')], { limitMs: 10_000 });
  const r = await settleDestination(s.req);
  expect(r).toMatchObject({ kind: 'no-lineage', version: { properties: { provisioningState: 'Updating' } } });
  expect(s.elapsed()).toBe(10_000);
});

test('the deadline ends the wait', async () => {
  const ac = new AbortController();
  const s = scripted([version('Creating')], {
    signal: ac.signal,
    sleep: async () => {
      ac.abort();
    },
  });
  await expect(settleDestination(s.req)).rejects.toMatchObject({ name: 'AbortError' });
  expect(s.reads()).toBe(1);
});

test('a long copy seen settling is given the grace period from when it settled, not from its old systemData', async () => {
  const old = START - 10 * LINEAGE_GRACE_MS;
  const reads = [version('Creating', {}, old), version('Creating', {}, old), version('Succeeded', {}, old), version('Succeeded', {}, old), version('Succeeded', lineage(), old)];
  const s = scripted(reads);
  await expect(settleDestination(s.req)).resolves.toMatchObject({ kind: 'promoted' });
  expect(s.reads()).toBe(5);
});
