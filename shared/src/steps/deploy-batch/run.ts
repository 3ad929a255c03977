/**
 * deploy-batch: validate everything locally → sign in → read the live endpoint, deployment and compute → plan the
 * assets and bodies → doctor (compute, references) → dry-run stops here → assets → endpoint → deployment → test
 * invocation (output compared with expected-output) → challenger run on the current default (compared by the rules)
 * → the default switched only when every check passed → outputs and summary.
 */
import type { BatchEndpointWrite } from '../../azureml/batch';
import { ScoringClient } from '../../azureml/scoring';
import { compareChallenger, compareWithExpected, judge, parseRows } from '../../batch/compare';
import { runBatchJob } from '../../batch/job';
import { parse } from 'yaml';
import { StepError } from '../../core/errors';
import { readRegularFile } from '../../core/files';
import { modelVersionProblem } from '../../core/names';
import { doctorError, planAssets, referenceFindings, type Finding } from '../../online';
import { batchEndpointBody, withResolvedBatchAssets } from '../../specs/batch';
import { assetRefId } from '../../specs/online';
import { sameDeployment } from '../../online/same-deployment';
import { bearerFor } from '../../online/ports';
import type { StepContext } from '../definition';
import { connectWorkspace } from '../workspace';
import { readDeployBatchPlan } from './read-plan';
import { freshOutputUri, jobInput } from './sample';
import { readDatastoreFile } from '../../assets/datastore-read';
import { batchSummary, type BatchOutcome } from './summary';

export async function deployBatch(ctx: StepContext): Promise<void> {
  const { host } = ctx;
  // 1. Inputs and files: all checked before anything is sent.
  const plan = readDeployBatchPlan(ctx);
  const epName = plan.endpoint.name;
  const depName = plan.deployment.name;

  // 2. Sign in; read what is live.
  const conn = await connectWorkspace(ctx);
  const { client, scope } = conn;
  const rg = scope.resourceGroup;
  const ws = scope.workspaceName;
  host.info(`Signing in as ${conn.principal}; workspace ${ws} in ${rg} (${conn.cloud.name}).`);
  const workspace = await client.getWorkspace(rg, ws);
  const location = workspace.location;
  if (!location) throw new StepError('service', `Workspace ${ws} reports no location.`);
  const endpoint = await client.batch.getEndpoint(rg, ws, epName);
  const live = endpoint ? await client.batch.getDeployment(rg, ws, epName, depName) : undefined;
  const defaultBefore = endpoint?.properties.defaults?.deploymentName ?? undefined;
  host.info(
    endpoint
      ? `Batch endpoint ${epName}: ${endpoint.properties.provisioningState}, default deployment ${defaultBefore ?? '(none)'}; deployment ${depName} ${live ? 'exists' : 'is new'}.`
      : `Batch endpoint ${epName} does not exist yet: it will be created.`,
  );

  // 3. Plan: assets and the bodies.
  const assets = await planAssets({ client, scope, logger: host, signal: ctx.deadline.signal }, plan.deployment);
  const findings: Finding[] = [];
  let componentId: string | undefined;
  const component = plan.deployment.component;
  if (component?.kind === 'ref') {
    componentId = assetRefId(component.ref, scope, 'components');
    const id = componentId!;
    if (id.includes(`/workspaces/${ws}/`)) {
      assets.references.push({ input: 'deployment-file', what: `Component ${id}`, exists: async () => (await client.core.rawGet(id, { operation: 'get the component', ref: { kind: 'component', name: id, scope: `workspace '${ws}'` } })) !== undefined });
    }
  } else if (component?.kind === 'local') {
    const local = readLocalComponent(component.path);
    componentId = `${workspaceId(scope)}/components/${local.name}/versions/${local.version}`;
    const id = componentId;
    const exists = await client.core.rawGet(id, { operation: 'get the component', ref: { kind: 'component', name: `${local.name}:${local.version}`, scope: `workspace '${ws}'` } });
    if (!exists) {
      assets.writes.push({
        what: `register pipeline component ${local.name}:${local.version}`,
        apply: async () => void (await client.core.lro('PUT', id, { properties: { componentSpec: local.spec, isAnonymous: false } }, { operation: `register component '${local.name}:${local.version}'`, ref: { kind: 'component', name: local.name, scope: `workspace '${ws}'` } }, 'original-uri')),
      });
    }
  } else if (component) {
    throw new StepError('input', "A pipeline deployment made from a job (job_definition) is not supported yet: register the pipeline as a component (az ml component create) and name it as azureml:<name>:<version>.", { input: 'deployment-file' });
  }
  const body = withResolvedBatchAssets(plan.deployment, { location, scope, ...assets.ids, componentId });

  // 4. Doctor: the compute cluster exists and is an AmlCompute one; the references exist; a default to compare with.
  const computeId = body.properties.compute as string | undefined;
  if (computeId) {
    const name = computeId.slice(computeId.lastIndexOf('/') + 1);
    const compute = await client.computes.getCompute(rg, ws, name);
    if (!compute) findings.push({ input: 'compute', problem: `Compute cluster '${name}' does not exist in workspace ${ws}.`, fix: 'Create it (az ml compute create --type amlcompute) or name an existing cluster.' });
    else if (compute.properties.computeType !== 'AmlCompute') findings.push({ input: 'compute', problem: `Compute '${name}' is a ${compute.properties.computeType} compute; batch deployments run on AmlCompute clusters.`, fix: 'Name a compute cluster.' });
  }
  findings.push(...(await referenceFindings(assets.references)));
  if (plan.compare && (!defaultBefore || defaultBefore.toLowerCase() === depName.toLowerCase())) {
    findings.push({ input: 'compare-with-default', problem: `Batch endpoint ${epName} has no other default deployment to compare ${depName} with.`, fix: 'Deploy a first version without compare-with-default (and with set-default), then compare the next ones.' });
  }
  if (findings.length > 0) throw doctorError(findings);

  const same = live !== undefined && assets.writes.length === 0 && sameDeployment(body as never, live as never);
  const isDefault = defaultBefore?.toLowerCase() === depName.toLowerCase();
  const outcome: BatchOutcome = { result: 'deployed', endpoint: epName, deployment: depName, defaultBefore, defaultAfter: defaultBefore, writes: assets.writes.map((w) => w.what) };
  if (same && (!plan.setDefault || isDefault)) {
    host.info(`Deployment ${depName} of ${epName} already runs this model, code, environment and settings${isDefault ? ' and is the default' : ''}; nothing to do.`);
    return finish(ctx, { ...outcome, result: 'unchanged' });
  }
  if (!endpoint) outcome.writes.push(`create batch endpoint ${epName}`);
  if (!same) outcome.writes.push(`${live ? 'update' : 'create'} batch deployment ${depName}`);
  for (const w of outcome.writes) host.info(`Then: ${w}`);
  if (plan.test) host.info(`Then: score the test input with ${depName}${plan.expected ? ', compare with expected-output' : ''}${plan.compare ? `, and with the default ${defaultBefore}` : ''}.`);
  if (plan.setDefault && !isDefault) host.info(`Then: make ${depName} the default${plan.test ? ' if the checks pass' : ''}.`);
  if (conn.dryRun) {
    host.info('Dry run: nothing was written.');
    return finish(ctx, { ...outcome, result: 'dry-run' });
  }

  // 5. Apply: assets, the endpoint, the deployment.
  for (const w of assets.writes) await host.group(w.what, w.apply);
  const endpointBody = (defaults?: string): BatchEndpointWrite => {
    const b = batchEndpointBody(plan.endpoint, location) as BatchEndpointWrite;
    const d = defaults ?? defaultBefore;
    return { ...b, properties: { ...b.properties, defaults: d ? { deploymentName: d } : undefined } };
  };
  if (!endpoint) await host.group(`Creating batch endpoint ${epName}`, () => client.batch.createOrUpdateEndpoint(rg, ws, epName, endpointBody()));
  if (!same) await host.group(`${live ? 'Updating' : 'Creating'} batch deployment ${depName}`, () => client.batch.createOrUpdateDeployment(rg, ws, epName, depName, body as never));

  // 6. Checks: the test invocation, the expected output, the challenger run.
  let passed = true;
  if (plan.test) {
    const scoringUri = (await client.batch.getEndpoint(rg, ws, epName))?.properties.scoringUri;
    if (!scoringUri) throw new StepError('service', `Batch endpoint ${epName} reports no scoring URI.`);
    const scoring = new ScoringClient(scoringUri, bearerFor(conn, epName, 'AADToken'), ctx.deadline.signal);
    try {
      const input = await jobInput(client, scope, plan.test, host, ctx.deadline.signal);
      const file = String(body.properties.outputFileName ?? 'predictions.csv');
      const run = async (deployment: string) => {
        const uri = freshOutputUri(epName, deployment, file);
        const job = await host.group(`Batch job on ${deployment}`, () => runBatchJob({ client: scoring, deployment, input, outputUri: uri, logger: host, signal: ctx.deadline.signal }));
        return { job, uri };
      };
      const mine = await run(depName);
      outcome.job = mine.job;
      outcome.outputUri = mine.uri;
      if (!/^(completed|succeeded)$/i.test(mine.job.status)) {
        passed = false;
        outcome.reason = `The test invocation ended ${mine.job.status}${mine.job.error?.message ? `: ${mine.job.error.message}` : ''}.`;
      } else if (body.properties.outputAction !== 'SummaryOnly') {
        const rows = parseRows(await readDatastoreFile(client, scope, mine.uri, ctx.deadline.signal));
        host.info(`Test output: ${rows.length} rows at ${mine.uri}.`);
        if (plan.expected) {
          outcome.expected = compareWithExpected(rows, plan.expected, plan.tolerance);
          if (!outcome.expected.passed) {
            passed = false;
            outcome.reason = `The test output differs from expected-output (${outcome.expected.rows.actual} rows, ${outcome.expected.rows.expected} expected, ${outcome.expected.mismatches.length} values differ).`;
          }
        }
        if (plan.compare && defaultBefore) {
          const theirs = await run(defaultBefore);
          outcome.champion = { job: theirs.job, verdicts: [] };
          if (!/^(completed|succeeded)$/i.test(theirs.job.status)) {
            passed = false;
            outcome.reason = `The current default ${defaultBefore} could not score the sample (${theirs.job.status}); nothing to compare with.`;
          } else {
            const comparison = compareChallenger(rows, parseRows(await readDatastoreFile(client, scope, theirs.uri, ctx.deadline.signal)), plan.tolerance);
            const verdicts = judge(comparison, plan.rules);
            outcome.champion = { job: theirs.job, comparison, verdicts };
            const failed = verdicts.filter((v) => !v.passed);
            if (failed.length) {
              passed = false;
              outcome.reason = `The challenger comparison failed: ${failed.map((v) => `${v.rule} (measured ${/agreement/i.test(v.rule) ? `${(v.measured * 100).toFixed(1)}%` : v.measured.toFixed(4)})`).join('; ')}.`;
            }
          }
        }
      }
    } finally {
      scoring.close();
    }
  }

  // 7. The default switches only when everything passed.
  if (!passed) {
    await finish(ctx, { ...outcome, result: 'checks-failed' });
    throw new StepError('service', `${outcome.reason} ${plan.setDefault ? `The default stays ${defaultBefore ?? '(none)'}.` : ''}`.trim());
  }
  if (plan.setDefault && !isDefault) {
    await host.group(`Making ${depName} the default of ${epName}`, () => client.batch.createOrUpdateEndpoint(rg, ws, epName, endpointBody(depName)));
    outcome.defaultAfter = depName;
  }
  await finish(ctx, outcome);
}

const workspaceId = (scope: { subscriptionId: string; resourceGroup: string; workspaceName: string }) =>
  `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${scope.workspaceName}`;

/** A local pipeline component file (`component: ./pipeline.yml`): registered under its own name and version. */
function readLocalComponent(path: string): { name: string; version: string; spec: Record<string, unknown> } {
  const text = readRegularFile(path, { input: 'deployment-file' });
  let spec: Record<string, unknown>;
  try {
    spec = parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new StepError('input', `${path}: not valid YAML (${(e as Error).message.split('\n')[0]}).`, { input: 'deployment-file', location: { file: path } });
  }
  const name = typeof spec?.name === 'string' ? spec.name : undefined;
  const version = spec?.version === undefined ? undefined : String(spec.version);
  if (spec?.type !== 'pipeline') throw new StepError('input', `${path}: a pipeline deployment needs a pipeline component (type: pipeline); this one is type ${String(spec?.type)}.`, { input: 'deployment-file', location: { file: path } });
  if (!name || !/^[A-Za-z0-9_][\w.-]{0,254}$/.test(name)) throw new StepError('input', `${path}: the component needs a valid 'name' (letters, digits, '_', '-', '.').`, { input: 'deployment-file', location: { file: path } });
  if (!version || modelVersionProblem(version)) throw new StepError('input', `${path}: the component needs a 'version' to be registered under${version ? ` (${modelVersionProblem(version)})` : ''}.`, { input: 'deployment-file', location: { file: path } });
  return { name, version, spec };
}

async function finish(ctx: StepContext, o: BatchOutcome): Promise<void> {
  const { host } = ctx;
  host.setOutput('endpoint-name', o.endpoint);
  host.setOutput('deployment-name', o.deployment);
  host.setOutput('default-deployment', o.defaultAfter ?? '');
  host.setOutput('job-name', o.job?.name ?? '');
  host.setOutput('output-uri', o.outputUri ?? '');
  host.setOutput('result', o.result);
  await host.summary(batchSummary(o));
}

