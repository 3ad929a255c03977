/**
 * The phases every online-endpoint step goes through (deploy-online for managed endpoints, deploy-arc for
 * Kubernetes ones): read the live endpoint, plan the rollout, the assets and the bodies, then apply (assets,
 * endpoint, rollout) and report. Each step's run calls them in order with its own doctor between plan and apply.
 */
import { StepError } from '../core/errors';
import type { Deadline } from '../core/deadline';
import type { Host } from '../hosts/host';
import type { OnlineDeploymentBody, OnlineEndpointBody } from '../azureml/online';
import type { OnlineDeployment, OnlineEndpoint } from '../azureml/resources';
import { formatMap, liveIn, planRollout, planTable, runRollout, type EndpointState, type ProbeFile, type RolloutChoices, type RolloutPlan, type RolloutResult } from '../rollout';
import { resolveEndpointBody, withResolvedAssets, type OnlineDeploymentPlan, type OnlineEndpointPlan } from '../specs/online';
import { planAssets, type ResolvedAssetPlan } from './assets';
import type { OnlineConnection } from './connection';
import type { Finding } from './doctor';
import { bindPorts } from './ports';
import { sameDeployment } from './same-deployment';
import { stagedLog } from './staged';
import { deploySummary, type DeployOutcome } from './summary';
import type { Triage } from './triage';

/** What the step decided from its inputs and files alone. */
export interface OnlineDeployInputs {
  endpoint: OnlineEndpointPlan;
  deployment: OnlineDeploymentPlan;
  rollout: RolloutChoices;
  probe?: ProbeFile;
}

export interface LiveEndpoint {
  location: string;
  endpoint?: OnlineEndpoint;
  deployments: OnlineDeployment[];
  state: EndpointState;
}

/** The workspace's location, the endpoint as it is live, its deployments, traffic and mirror. */
export async function readLiveEndpoint(conn: OnlineConnection, endpointName: string, host: Host): Promise<LiveEndpoint> {
  const { client, scope } = conn;
  const rg = scope.resourceGroup;
  const ws = scope.workspaceName;
  const workspace = await client.getWorkspace(rg, ws);
  const location = workspace.location;
  if (!location) throw new StepError('service', `Workspace ${ws} reports no location.`);
  const endpoint = await client.online.getEndpoint(rg, ws, endpointName);
  const deployments = endpoint ? await client.online.listDeployments(rg, ws, endpointName) : [];
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
  return { location, endpoint, deployments, state };
}

/** Either the endpoint already runs exactly this (nothing to do), or a rollout to perform. */
export type PreparedDeploy =
  | { kind: 'unchanged'; outcome: DeployOutcome }
  | { kind: 'rollout'; rollout: RolloutPlan; assets: ResolvedAssetPlan; endpointBody: OnlineEndpointBody; deploymentBody: OnlineDeploymentBody; outcome: DeployOutcome };

/**
 * Plan the rollout, the assets and the two bodies. The auth mode of an existing endpoint stays (the doctor reports
 * a request to change it); traffic and mirror start as they are live.
 */
export async function prepareDeploy(conn: OnlineConnection, live: LiveEndpoint, inputs: OnlineDeployInputs, host: Host, signal: AbortSignal): Promise<PreparedDeploy> {
  const { client, scope } = conn;
  const { location, endpoint, deployments, state } = live;
  const assets = await planAssets({ client, scope, logger: host, signal }, inputs.deployment);
  const deploymentBody = { ...withResolvedAssets(inputs.deployment, { location, scope, ...assets.ids }), location } as OnlineDeploymentBody;
  const ready = readyDeployments(deployments, deploymentBody, assets);
  // A plan that is refused (e.g. the named deployment serves live traffic) still allows the idempotent rerun below.
  let rollout: RolloutPlan | undefined;
  let refused: unknown;
  try {
    rollout = planRollout(state, inputs.rollout, { ready });
  } catch (e) {
    refused = e;
  }
  const resolved = resolveEndpointBody(inputs.endpoint, { location, scope });
  const endpointBody = {
    ...resolved,
    location,
    properties: {
      ...resolved.properties,
      authMode: endpoint?.properties.authMode ?? resolved.properties.authMode,
      traffic: { ...state.traffic },
      mirrorTraffic: { ...state.mirror },
    },
  } as OnlineEndpointBody;
  const endpointName = inputs.endpoint.name;
  const scoringUri = endpoint?.properties.scoringUri ?? undefined;

  // Idempotent: the deployment serving all traffic already runs exactly this.
  const liveNames = liveIn(state.traffic);
  const serving = liveNames.length === 1 && state.traffic[liveNames[0]!] === 100 ? deployments.find((d) => d.name?.toLowerCase() === liveNames[0]) : undefined;
  if (serving && assets.writes.length === 0 && sameDeployment(deploymentBody, serving)) {
    host.info(`Deployment ${serving.name} already serves 100% of ${endpointName} with this model, environment, code and settings; nothing to do.`);
    const asIs = rollout ?? planRollout(state, { ...inputs.rollout, strategy: 'replace', deployment: { kind: 'named', name: serving.name!.toLowerCase() } });
    return { kind: 'unchanged', outcome: { result: 'unchanged', endpoint: endpointName, deployment: serving.name!, previous: [], plan: asIs, writes: [], scoringUri } };
  }
  if (!rollout) throw refused;
  // Idempotent too: strategy stage, and the deployment is already staged (at 0%, with exactly this).
  if (rollout.kind === 'stage' && isReadyTarget(rollout)) {
    host.info(`Deployment ${rollout.deployment} is already staged at 0% on ${endpointName} with this model, environment, code and settings; nothing to do (traffic ${formatMap(state.traffic)}).`);
    return {
      kind: 'unchanged',
      outcome: { result: 'staged', noop: true, endpoint: endpointName, deployment: rollout.deployment, previous: rollout.previous, plan: rollout, probe: inputs.probe !== undefined, writes: [], scoringUri },
    };
  }
  if (isReadyTarget(rollout)) host.info(`Deployment ${rollout.deployment} already runs this model, environment, code and settings at 0%: it is not written again.`);
  const outcome: DeployOutcome = {
    result: 'deployed',
    endpoint: endpointName,
    deployment: rollout.deployment,
    previous: rollout.previous,
    plan: rollout,
    probe: inputs.probe !== undefined,
    writes: assets.writes.map((w) => w.what),
    scoringUri,
  };
  return { kind: 'rollout', rollout, assets, endpointBody, deploymentBody, outcome };
}

/**
 * Lower-case names of the deployments that already run the desired body and are provisioned (none while an asset
 * still has to be written: no live deployment can reference it yet).
 */
function readyDeployments(deployments: OnlineDeployment[], body: OnlineDeploymentBody, assets: ResolvedAssetPlan): string[] {
  if (assets.writes.length > 0) return [];
  return deployments.filter((d) => d.name && /^succeeded$/i.test(d.properties.provisioningState ?? '') && sameDeployment(body, d)).map((d) => d.name!.toLowerCase());
}

/** Whether the plan's deployment already runs the desired spec at 0% (its deploy phase writes nothing). */
export function isReadyTarget(plan: RolloutPlan): boolean {
  const deploy = plan.phases[0];
  return deploy?.kind === 'deploy' && deploy.ready === true;
}

/** A request to change the auth mode of a live endpoint: this step keeps it (changing it would lock clients out). */
export function authModeFindings(live: LiveEndpoint, plan: OnlineEndpointPlan): Finding[] {
  const current = live.endpoint?.properties.authMode;
  const wanted = plan.body.properties.authMode;
  if (!current || !plan.authModeGiven || current.toLowerCase() === wanted.toLowerCase()) return [];
  return [
    {
      input: 'auth-mode',
      problem: `Endpoint '${plan.name}' uses ${current} authentication; the inputs ask for ${wanted}, and this step does not change the auth mode of a live endpoint (its clients would lose access).`,
      fix: `Set auth-mode to match (or leave it out), or change it deliberately with az ml online-endpoint update and update the clients first.`,
    },
  ];
}

/** Print the plan; in a dry run, stop there (true). */
export function showPlan(host: Host, prepared: Extract<PreparedDeploy, { kind: 'rollout' }>, endpointName: string, dryRun: boolean): boolean {
  const { rollout } = prepared;
  host.info(`Plan (${rollout.kind}) for ${rollout.deployment} on ${endpointName}:\n${planTable(rollout, { probe: prepared.outcome.probe })}`);
  for (const w of prepared.assets.writes) host.info(`Then: ${w.what}`);
  if (dryRun) host.info('Dry run: nothing was written.');
  return dryRun;
}

/** Apply: the assets, the endpoint when it is new, then the rollout with its analysis and rollback. */
export async function applyDeploy(
  conn: OnlineConnection,
  live: LiveEndpoint,
  prepared: Extract<PreparedDeploy, { kind: 'rollout' }>,
  inputs: OnlineDeployInputs,
  host: Host,
  deadline: Deadline,
): Promise<DeployOutcome> {
  const { client, scope } = conn;
  const rg = scope.resourceGroup;
  const ws = scope.workspaceName;
  const endpointName = inputs.endpoint.name;
  for (const w of prepared.assets.writes) await host.group(w.what, w.apply);
  if (!live.endpoint) {
    await host.group(`Creating endpoint ${endpointName}`, () => client.online.createOrUpdateEndpoint(rg, ws, endpointName, prepared.endpointBody));
  }
  let triage: Triage | undefined;
  const bound = bindPorts(
    {
      conn,
      endpointName,
      endpointBody: prepared.endpointBody,
      deploymentBody: prepared.deploymentBody,
      probe: inputs.probe,
      signal: deadline.signal,
      onTriage: (t) => {
        triage = t;
      },
    },
    () => client.online.getEndpoint(rg, ws, endpointName),
  );
  let result: RolloutResult;
  try {
    result = await runRollout(prepared.rollout, bound.ports, { deadline, signal: deadline.signal, logger: host });
  } finally {
    bound.close();
  }
  // The last traffic write's final GET already read the endpoint back; read it again only without one.
  const after = bound.lastEndpoint() ?? (await client.online.getEndpoint(rg, ws, endpointName).catch(() => undefined));
  return {
    ...prepared.outcome,
    rollout: result,
    triage,
    scoringUri: after?.properties.scoringUri ?? prepared.outcome.scoringUri,
    result: result.status === 'succeeded' ? (prepared.rollout.kind === 'stage' ? 'staged' : 'deployed') : result.status === 'rolled-back' ? 'rolled-back' : 'failed',
    reason: result.reason,
  };
}

/** Outputs and summary; then a failed rollout fails the step. */
export async function reportDeploy(host: Host, step: string, o: DeployOutcome, extra: { outputs?: Record<string, string>; facts?: [string, string | undefined][] } = {}): Promise<void> {
  const traffic = o.rollout ? o.rollout.current.traffic : o.plan.initial.traffic;
  host.setOutput('endpoint-name', o.endpoint);
  host.setOutput('scoring-uri', o.scoringUri ?? '');
  host.setOutput('deployment-name', o.deployment);
  host.setOutput('previous-deployment', o.previous.join(','));
  host.setOutput('traffic', JSON.stringify(traffic));
  host.setOutput('result', o.result);
  for (const [k, v] of Object.entries(extra.outputs ?? {})) host.setOutput(k, v);
  await host.summary(deploySummary(step, o, extra.facts));
  if (o.result === 'staged') host.info(stagedLog(step, o));
  const r = o.rollout;
  if (r && r.status !== 'succeeded') throw r.error ?? new StepError('service', `The rollout of ${o.deployment} ${r.status}: ${r.reason ?? 'see the summary'}`);
}
