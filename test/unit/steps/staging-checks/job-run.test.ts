/** A run_on check's job from the step's side, against a fake service: outcome read back, failure, cancellation. */
import { parsePolicyText } from '../../../../shared/src/checks/policy';
import type { DataDriftCheck } from '../../../../shared/src/checks/policy/types';
import { runCheckAsJob, type JobRunContext } from '../../../../shared/src/steps/staging-checks/job-run';
import type { JobAssets } from '../../../../shared/src/steps/staging-checks/job-assets';
import { StepError } from '../../../../shared/src/core/errors';

const files: Record<string, string> = {};

const policy = parsePolicyText('version: 1\ndata: {a: a.csv, b: b.csv}\nchecks:\n  - {name: d, type: data_drift, baseline: a, target: b, run_on: {compute: cpu-cluster}}\n', '/tmp/p/policy.yml');
const check = policy.checks[0] as DataDriftCheck;
const scope = { subscriptionId: 's', resourceGroup: 'rg', workspaceName: 'ws' };

function world(statuses: string[], extra: Record<string, unknown> = {}) {
  const calls: string[] = [];
  let i = 0;
  const jobs = {
    createJob: async (_rg: string, _ws: string, name: string, body: { properties: Record<string, unknown> }) => {
      calls.push(`create ${name} ${String(body.properties.computeId).split('/').pop()}`);
      return { name, properties: { ...body.properties, status: 'NotStarted', services: { Studio: { endpoint: `https://ml.azure.com/runs/${name}` } } } };
    },
    getJob: async (_rg: string, _ws: string, name: string) => ({ name, properties: { status: statuses[Math.min(i++, statuses.length - 1)], ...extra } }),
    cancelJob: async (_rg: string, _ws: string, name: string) => void calls.push(`cancel ${name}`),
  };
  const client = { jobs, detached: () => ({ jobs }) };
  const lines: string[] = [];
  const logger = { info: (l: string) => lines.push(l), warning: (l: string) => lines.push(`warning: ${l}`), debug: () => undefined, error: () => undefined };
  const assets = { datasetUri: async (d: { name: string }) => `azureml://datastores/workspaceblobstore/paths/${d.name}.csv`, codeId: async () => 'code-id', environmentId: async () => 'env-id' } as unknown as JobAssets;
  const ac = new AbortController();
  const ctx: JobRunContext = { conn: { client, scope } as never, assets, logger: logger as never, signal: ac.signal, programDir: '/nowhere', schedule: () => 5, progressEveryMs: 1e9,
    readFile: async (uri: string) => {
      if (!(uri in files)) throw new Error(`no ${uri}`);
      return files[uri]!;
    },
  };
  return { ctx, calls, lines, ac };
}

test('Completed: the outcome file becomes the check outcome, with the job, compute and link in its facts', async () => {
  const w = world(['Queued', 'Running', 'Running', 'Completed']);
  const row = { subject: 'x', metric: 'JensenShannonDistance', measured: '0.2', expected: '<= 0.1', status: 'failed', value: 0.2 };
  const origCreate = w.ctx.conn.client.jobs.createJob;
  let name = '';
  (w.ctx.conn.client.jobs as { createJob: typeof origCreate }).createJob = async (...a: Parameters<typeof origCreate>) => {
    name = a[2];
    files[`azureml://datastores/workspaceblobstore/paths/azureml/${name}/result/outcome.json`] = JSON.stringify({ version: 1, status: 'failed', headline: 'drift on 1 of 1 columns', rows: [row], facts: { 'baseline rows': 10 } });
    return origCreate(...a);
  };
  const o = await runCheckAsJob(check, policy, w.ctx);
  expect(o).toMatchObject({ name: 'd', type: 'data_drift', status: 'failed', headline: 'drift on 1 of 1 columns', rows: [row] });
  expect(o.facts).toEqual({ 'baseline rows': 10, job: name, compute: 'cpu-cluster', 'job link': `https://ml.azure.com/runs/${name}` });
  expect(w.lines.filter((l) => l.startsWith('d: job')).map((l) => l.replace(/ \(\d+s\)$/, '').replaceAll(name, 'J'))).toEqual(['d: job J submitted on cpu-cluster (https://ml.azure.com/runs/J).', 'd: job J Queued', 'd: job J Running', 'd: job J Completed']);
});

test("Failed: an error outcome with the service's message and the log tail", async () => {
  const w = world(['Running', 'Failed'], { error: { code: 'UserError', message: 'Execution failed: exit 1' } });
  let name = '';
  const create = w.ctx.conn.client.jobs.createJob;
  (w.ctx.conn.client.jobs as { createJob: typeof create }).createJob = async (...a: Parameters<typeof create>) => {
    name = a[2];
    files[`azureml://datastores/workspaceartifactstore/paths/ExperimentRun/dcid.${name}/user_logs/std_log.txt`] = 'line 1\nboom ```\u001b[31m\n';
    return create(...a);
  };
  const o = await runCheckAsJob(check, policy, w.ctx);
  expect(o.status).toBe('error');
  expect(o.error).toBe(`job ${name} ended Failed: Execution failed: exit 1`);
  expect(o.headline).toBe(`could not run: job ${name} ended Failed: Execution failed: exit 1`);
  expect(o.extra?.table).toContain('````text\nline 1\nboom ```');
  expect(o.extra?.table).not.toContain('\u001b');
});

test('the deadline while the job runs: the job is cancelled and the timeout reaches the step', async () => {
  const w = world(['Running']);
  const timeout = new StepError('timeout', "the step's timeout of 1s elapsed");
  setTimeout(() => w.ac.abort(timeout), 50);
  await expect(runCheckAsJob(check, policy, w.ctx)).rejects.toBe(timeout);
  expect(w.calls).toEqual([expect.stringMatching(/^create staging-d-[0-9a-f]{8} cpu-cluster$/), expect.stringMatching(/^cancel staging-d-[0-9a-f]{8}$/)]);
  expect(w.lines.some((l) => /warning: d: cancelling job staging-d-/.test(l))).toBe(true);
});
