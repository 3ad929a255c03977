/**
 * deploy-online: validate everything locally → sign in → read the live endpoint, deployments, traffic and mirror →
 * doctor → plan (printed; dry-run stops here) → assets → endpoint → new deployment at 0% → smoke probe → traffic
 * steps with analysis (rollback on failure, cancellation or the deadline) → cleanup → outputs and summary.
 */
import { StepError } from '../../core/errors';
import type { OnlineDeploymentBody, OnlineEndpointBody } from '../../azureml/online';
import type { OnlineDeployment, OnlineEndpoint } from '../../azureml/resources';
import { formatMap, liveIn, planRollout, planTable, runRollout, type EndpointState, type RolloutPlan, type RolloutResult } from '../../rollout';
import { resolveEndpointBody, withResolvedAssets } from '../../specs/online';
import type { StepContext } from '../definition';
import { connectWorkspace } from '../workspace';
import { planAssets } from './assets';
import { doctorError, runDoctor } from './doctor';
import { bindPorts } from './ports';
import { readDeployOnlinePlan } from './read-plan';
import { sameDeployment } from './same-deployment';
import { deploySummary, type DeployOutcome } from './summary';
import type { Triage } from './triage';

export async function deployOnline(ctx: StepContext): Promise<void> {
  const { host } = ctx;
  // 1. Inputs and files: all checked before anything is sent.
  const plan = readDeployOnlinePlan(ctx);

  // 2. Sign in; read the live endpoint and its deployments.
  const conn = await connectWorkspace(ctx);
  const { client, scope } = conn;
  const rg = scope.resourceGroup;
  const ws = scope.workspaceName;
  host.info(`Signing in as ${conn.principal}; workspace ${ws} in ${rg} (${conn.cloud.name}).`);
  const workspace = await client.getWorkspace(rg, ws);
  const location = workspace.location;
  if (!location) throw new StepError('service', `Workspace ${ws} reports no location.`);
  const endpointName = plan.endpoint.name;
  const endpoint: OnlineEndpoint | undefined = await client.online.getEndpoint(rg, ws, endpointName);
  const deployments: OnlineDeployment[] = endpoint ? await client.online.listDeployments(rg, ws, endpointName) : [];
  const state: EndpointState = {
    traffic: endpoint?.properties.traffic ?? {},
    mirror: endpoint?.properties.mirrorTraffic ?? {},
    deployments: deployments.map((d) => d.name!.toLowerCase()),
  };
  host.info(
    endpoint
      ? `Endpoint ${endpointName}: ${endpoint.properties.provisioningState}, traffic ${formatMap(state.traffic)}, mirror ${formatMap(state.mirror)}, deployments ${state.deployments.join(', ') || '(none)'}.`
      : `Endpoint ${endpointName} does not exist yet: it will be created.`,
  );

  // 3. Plan: the rollout, the assets, the bodies.
  // A plan that is refused (e.g. the named deployment serves live traffic) still allows the idempotent rerun below.
  let rollout: RolloutPlan | undefined;
  let refused: unknown;
  try {
    rollout = planRollout(state, plan.rollout);
  } catch (e) {
    refused = e;
  }
  const assets = await planAssets({ client, scope, logger: host, signal: ctx.deadline.signal }, plan.deployment);
  const deploymentBody = { ...withResolvedAssets(plan.deployment, { location, scope, ...assets.ids }), location } as OnlineDeploymentBody;
  const resolvedEndpoint = resolveEndpointBody(plan.endpoint, { location, scope });
  const endpointBody: OnlineEndpointBody = {
    ...resolvedEndpoint,
    location,
    properties: {
      ...resolvedEndpoint.properties,
      // The auth mode of an existing endpoint stays; traffic and mirror start as they are live.
      authMode: endpoint?.properties.authMode ?? resolvedEndpoint.properties.authMode,
      traffic: { ...state.traffic },
      mirrorTraffic: { ...state.mirror },
    },
  } as OnlineEndpointBody;

  // Idempotent: the deployment serving all traffic already runs exactly this.
  const live = liveIn(state.traffic);
  const serving = live.length === 1 && state.traffic[live[0]!] === 100 ? deployments.find((d) => d.name?.toLowerCase() === live[0]) : undefined;
  const scoringUri = endpoint?.properties.scoringUri ?? undefined;
  if (serving && assets.writes.length === 0 && sameDeployment(deploymentBody, serving)) {
    host.info(`Deployment ${serving.name} already serves 100% of ${endpointName} with this model, environment, code and settings; nothing to do.`);
    const asIs = rollout ?? planRollout(state, { ...plan.rollout, strategy: 'replace', deployment: { kind: 'named', name: serving.name!.toLowerCase() } });
    return finish(ctx, { result: 'unchanged', endpoint: endpointName, deployment: serving.name!, previous: [], plan: asIs, writes: [], scoringUri });
  }
  if (!rollout) throw refused;
  const name = rollout.deployment;
  const outcome: DeployOutcome = { result: 'deployed', endpoint: endpointName, deployment: name, previous: rollout.previous, plan: rollout, probe: plan.probe !== undefined, writes: assets.writes.map((w) => w.what), scoringUri };

  // 4. Doctor: quota, SKU, busy endpoint, references. Nothing is written when it finds a problem.
  const findings = await runDoctor(client, {
    location,
    endpoint,
    deployments,
    deploymentName: name,
    instanceType: deploymentBody.properties.instanceType ?? 'Standard_F4s_v2',
    instanceCount: deploymentBody.sku?.capacity ?? 1,
    references: assets.references,
  });
  if (findings.length > 0) throw doctorError(findings);
  host.info(`Plan (${rollout.kind}) for ${name} on ${endpointName}:\n${planTable(rollout, { probe: plan.probe !== undefined })}`);
  for (const w of assets.writes) host.info(`Then: ${w.what}`);
  if (conn.dryRun) {
    host.info('Dry run: nothing was written.');
    return finish(ctx, { ...outcome, result: 'dry-run' });
  }

  // 5. Apply: assets, the endpoint, then the rollout.
  for (const w of assets.writes) await host.group(w.what, w.apply);
  if (!endpoint) {
    await host.group(`Creating endpoint ${endpointName}`, () => client.online.createOrUpdateEndpoint(rg, ws, endpointName, endpointBody));
  }
  let triage: Triage | undefined;
  const bound = bindPorts(
    {
      conn,
      endpointName,
      endpointBody,
      deploymentBody,
      probe: plan.probe,
      signal: ctx.deadline.signal,
      onTriage: (t) => {
        triage = t;
      },
    },
    () => client.online.getEndpoint(rg, ws, endpointName),
  );
  let result: RolloutResult;
  try {
    result = await runRollout(rollout, bound.ports, { deadline: ctx.deadline, signal: ctx.deadline.signal, logger: host });
  } finally {
    bound.close();
  }
  // The last traffic write's final GET already read the endpoint back; read it again only without one.
  const after = bound.lastEndpoint() ?? (await client.online.getEndpoint(rg, ws, endpointName).catch(() => undefined));
  const done: DeployOutcome = {
    ...outcome,
    rollout: result,
    triage,
    scoringUri: after?.properties.scoringUri ?? outcome.scoringUri,
    result: result.status === 'succeeded' ? 'deployed' : result.status === 'rolled-back' ? 'rolled-back' : 'failed',
    reason: result.reason,
  };
  await finish(ctx, done, result.current.traffic);
  if (result.status !== 'succeeded') throw result.error ?? new StepError('service', `The rollout of ${name} ${result.status}: ${result.reason ?? 'see the summary'}`);
}

async function finish(ctx: StepContext, o: DeployOutcome, traffic: Record<string, number> | Readonly<Record<string, number>> = o.plan.initial.traffic): Promise<void> {
  const { host } = ctx;
  host.setOutput('endpoint-name', o.endpoint);
  host.setOutput('scoring-uri', o.scoringUri ?? '');
  host.setOutput('deployment-name', o.deployment);
  host.setOutput('previous-deployment', o.previous.join(','));
  host.setOutput('traffic', JSON.stringify(traffic));
  host.setOutput('result', o.result);
  await host.summary(deploySummary(o));
}
