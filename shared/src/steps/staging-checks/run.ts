/**
 * staging-checks: read the inputs and the policy (every problem reported at file:line before anything runs) →
 * sign in only when a check needs the workspace → bind the endpoint (scoring URI, credential by auth mode, the
 * champion from the traffic map) → datasets made local → preflight (files, columns, schemas) → the checks in
 * policy order, with progress → the JSON result, JUnit XML and summary → outputs → fail when a gate check failed.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { needsDeployment, preflight, runCheck, type RunnerContext } from '../../checks/runners';
import { plainText } from '../../report/markdown';
import { resultJUnit, resultJson, resultMarkdown, verdictOf } from '../../checks/results';
import { RESULT_SCHEMA_VERSION, type CheckOutcome, type StagingResult } from '../../checks/results/types';
import { StepError } from '../../core/errors';
import type { StepContext } from '../definition';
import { connectWorkspace, type WorkspaceConnection } from '../workspace';
import { localDatasets } from './datasets';
import { bindEndpoint, type BoundEndpoint } from './endpoint';
import { bindLoadService } from './load-service';
import { readStagingPlan, type StagingPlan } from './read-plan';
import { isJobCheck } from '../../checks/job/spec';
import type { Policy } from '../../checks/policy/types';
import { checkJobTargets, JobAssets } from './job-assets';
import { checkJobProgramDir } from './job-program';
import { runCheckAsJob } from './job-run';

/** The datasets the runner reads itself: every one a check run here names (jobs read theirs where they are). */
function locallyRead(policy: Policy): Set<string> {
  const names = new Set<string>();
  for (const c of policy.checks) {
    if (isJobCheck(c)) continue;
    if (c.type === 'data_quality' || c.type === 'data_drift' || c.type === 'prediction_drift') names.add(c.baseline.value).add(c.target.value);
    if (c.type === 'fairness' || c.type === 'champion_challenger') names.add(c.data.value);
  }
  return names;
}

/** Everything checked (policy, files, columns, schemas, the endpoint and its deployments); nothing sent to the deployment. */
async function dryRun(ctx: StepContext, plan: StagingPlan, endpoint: BoundEndpoint | undefined): Promise<void> {
  const { host } = ctx;
  const rows = plan.policy.checks.map((c) => `| ${plainText(c.name)} | ${c.type} | ${c.severity} | ${isJobCheck(c) ? `runs as an Azure ML command job on ${plainText(c.runOn.compute.value)}` : needsDeployment(c) ? `sends requests to ${plainText(endpoint?.port.target ?? '')}` : 'reads the data files'} |`);
  host.info(`Dry run: the policy, its files and columns${endpoint ? ' and the endpoint' : ''} are in order; no check was run.`);
  for (const c of plan.policy.checks) host.info(`  would run ${c.name} (${c.type}, ${c.severity})`);
  host.setOutput('verdict', 'dry-run');
  host.setOutput('result-file', '');
  host.setOutput('junit-file', '');
  host.setOutput('failed-checks', '');
  await host.summary(['### 🔍 Staging checks: dry run (nothing was run)', '', '| Check | Type | Severity | What it does |', '|---|---|---|---|', ...rows, ''].join('\n'));
}

/** Written next to its final name and renamed over it: a reader never sees half a file, and a link there is replaced, not followed. */
function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, path);
}

const ICON: Record<CheckOutcome['status'], string> = { passed: 'passed', failed: 'FAILED', error: 'ERROR' };

export async function stagingChecks(ctx: StepContext): Promise<void> {
  const { host } = ctx;
  const signal = ctx.deadline.signal;
  // 1. Inputs and the policy.
  const plan = readStagingPlan(ctx);
  const { policy } = plan;
  host.info(`Policy ${policy.file}: ${policy.checks.length} check${policy.checks.length === 1 ? '' : 's'} (${policy.checks.map((c) => `${c.name} [${c.type}${c.severity === 'warn' ? ', warn' : ''}]`).join(', ')}).`);

  // 2. The workspace, the endpoint and the datasets, only as far as the checks need them.
  let conn: WorkspaceConnection | undefined;
  let endpoint: BoundEndpoint | undefined;
  if (plan.needsWorkspace) {
    conn = await connectWorkspace(ctx);
    host.info(`Signing in as ${conn.principal}; workspace ${conn.scope.workspaceName} in ${conn.scope.resourceGroup} (${conn.cloud.name}).`);
  }
  // Checks that run as jobs: their clusters and environments exist, and the program is here, before any write.
  const jobChecks = policy.checks.filter(isJobCheck);
  let programDir: string | undefined;
  if (jobChecks.length > 0 && conn) {
    await checkJobTargets(conn, jobChecks);
    programDir = checkJobProgramDir();
    host.info(`${jobChecks.length} check${jobChecks.length === 1 ? '' : 's'} run${jobChecks.length === 1 ? 's' : ''} as Azure ML jobs: ${jobChecks.map((c) => `${c.name} on ${c.runOn!.compute.value}`).join(', ')}.`);
  }
  const datasets = await localDatasets(policy, conn, host, signal, locallyRead(policy));
  const assets = conn && jobChecks.length > 0 ? new JobAssets(conn, host, signal) : undefined;
  try {
    if (plan.target && conn) {
      endpoint = await bindEndpoint(conn, plan.target, signal);
      const share = endpoint.traffic[plan.target.deployment] ?? 0;
      host.info(
        `Endpoint ${plan.target.endpoint} (${endpoint.authMode} auth): testing deployment ${plan.target.deployment} (${share}% of live traffic)` +
          (endpoint.port.champion ? `, champion ${endpoint.port.champion} (${endpoint.traffic[endpoint.port.champion] ?? 0}%).` : ', no champion.'),
      );
    }
    // Load testing resources are read before any check runs: a missing one stops the step before anything is written.
    const loadService = endpoint && conn && plan.target ? await bindLoadService(conn, policy, endpoint.port, plan.target.endpoint, signal) : undefined;
    const runner: RunnerContext = {
      ...(endpoint ? { port: endpoint.port } : {}),
      ...(loadService ? { loadService } : {}),
      datasetPath: (name, at) => datasets.path(name, at),
      progress: (line) => host.info(line),
      signal,
    };
    // A job check whose datasets are both local is checked here too (a missing column before any upload).
    const localFile = (name: string) => policy.data.get(name)?.kind === 'local';
    await preflight({ ...policy, checks: policy.checks.filter((c) => !isJobCheck(c) || (localFile(c.baseline.value) && localFile(c.target.value))) }, runner);
    if (ctx.inputs.boolean('dry-run')) return dryRun(ctx, plan, endpoint);


    // 3. The checks, in policy order.
    const outcomes: CheckOutcome[] = [];
    for (const [i, check] of policy.checks.entries()) {
      host.info(`[${i + 1}/${policy.checks.length}] ${check.name} (${check.type})…`);
      const outcome =
        isJobCheck(check) && conn && assets && programDir
          ? await runCheckAsJob(check, policy, { conn, assets, logger: host, signal, programDir })
          : await runCheck(check, policy, runner);
      outcomes.push(outcome);
      const line = `[${i + 1}/${policy.checks.length}] ${check.name}: ${ICON[outcome.status]}${outcome.status !== 'passed' && check.severity === 'warn' ? ' (warn only)' : ''}, ${outcome.headline} (${(outcome.durationMs / 1000).toFixed(1)} s)`;
      if (outcome.status === 'passed') host.info(line);
      else host.warning(line);
    }

    // 4. Results.
    const result: StagingResult = {
      schemaVersion: RESULT_SCHEMA_VERSION,
      verdict: verdictOf(outcomes),
      policy: { file: policy.file, version: policy.version },
      target: {
        ...(plan.target ? { endpoint: plan.target.endpoint, deployment: plan.target.deployment } : {}),
        ...(endpoint?.port.champion ? { champion: endpoint.port.champion } : {}),
      },
      checks: outcomes,
    };
    writeFileAtomic(plan.resultFile, resultJson(result));
    writeFileAtomic(plan.junitFile, resultJUnit(result));
    const failed = outcomes.filter((o) => o.status !== 'passed');
    host.setOutput('verdict', result.verdict);
    host.setOutput('result-file', plan.resultFile);
    host.setOutput('junit-file', plan.junitFile);
    host.setOutput('failed-checks', failed.map((o) => o.name).join(','));
    await host.summary(resultMarkdown(result, { mermaid: host.kind === 'github' }));
    host.info(`Verdict: ${result.verdict}. Result ${plan.resultFile}; JUnit ${plan.junitFile}.`);
    if (result.verdict === 'failed') {
      const gates = failed.filter((o) => o.severity === 'gate');
      throw new StepError('checks', `${gates.map((o) => `${o.name} (${o.headline})`).join('; ')}.`, {
        hint: `${plan.target ? `Deployment ${plan.target.deployment} keeps its traffic share (staging-checks changes nothing). ` : ''}The summary and ${plan.resultFile} have every row.`,
      });
    }
  } finally {
    endpoint?.close();
    datasets.cleanup();
    assets?.cleanup();
  }
}
