// The batch job runner on its own: no python3 on PATH, and a job whose claimer died is taken over.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { JsonStore } from '../../shared/emulator/src/state/json-store';
import { emptyState, type ArmState } from '../../shared/emulator/src/state/model';
import { BatchJobRunner, findJob, type BatchJob } from '../../shared/emulator/src/batch';
import { tempStateDir, sleep } from './harness';

const loc = { account: 'acct', container: 'c', path: 'p' };

function job(name: string, claimPid?: number): BatchJob {
  return {
    name,
    id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/jobs/${name}`,
    endpointId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/batchEndpoints/ep',
    deployment: 'main',
    workspaceGuid: 'guid',
    properties: {},
    status: claimPid ? 'Running' : 'NotStarted',
    createdAt: new Date().toISOString(),
    createdBy: 'test',
    ...(claimPid ? { claim: { pid: claimPid, host: hostname(), at: Date.now(), nonce: 'gone' } } : {}),
    spec: {
      code: loc,
      scoringScript: 'score.py',
      miniBatchSize: 10,
      processes: 1,
      errorThreshold: -1,
      outputAction: 'AppendRow',
      outputFileName: 'predictions.csv',
      maxRetries: 3,
      timeoutMs: 30000,
      loggingLevel: 'Info',
      inputs: [{ name: 'in', type: 'UriFolder', uri: 'azureml://datastores/d/paths/p', blob: loc }],
      output: { uri: 'azureml://datastores/d/paths/o/predictions.csv', blob: loc },
    },
  };
}

async function ended(store: JsonStore<ArmState>, name: string): Promise<BatchJob> {
  for (let i = 0; i < 100; i++) {
    const j = findJob(store.peek(), name);
    if (j && ['Completed', 'Failed', 'Canceled'].includes(j.status)) return j;
    await sleep(50);
  }
  throw new Error(`job ${name} did not end`);
}

test('without python3 on PATH a job fails with a plain message; a job whose claimer died is taken over', async () => {
  const stateDir = tempStateDir();
  const store = new JsonStore<ArmState>(join(stateDir, 'arm.json'), emptyState);
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  await store.update((s) => {
    // (a blob service is recorded: the runner looks for python3 before it reads any blob)
    s.azurite = { port: 1, pid: process.pid };
    (s as ArmState & { batch: unknown }).batch = { jobs: { fresh: job('fresh'), orphan: job('orphan', dead) } };
  });
  const runner = new BatchJobRunner({ stateDir, store, ca: '', searchPath: '/nonexistent-bin' });
  runner.start();
  try {
    for (const name of ['fresh', 'orphan']) {
      const j = await ended(store, name);
      expect(j.status).toBe('Failed');
      expect(j.error).toEqual({
        code: 'PythonNotFound',
        message: 'python3 was not found on PATH: the emulator runs batch scoring scripts with a local python3 (3.8 or later). Install Python 3 or put python3 on PATH.',
      });
      expect(j.claim).toBeUndefined();
    }
  } finally {
    await runner.stop();
  }
});
