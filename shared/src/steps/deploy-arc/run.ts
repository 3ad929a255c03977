/**
 * deploy-arc: validate everything locally → sign in → read the live endpoint and the compute → plan the attach
 * (with the checks on the cluster and its Azure ML extension) and the rollout → doctor (instance type, capacity,
 * references) → plan printed (dry-run stops here) → attach → assets → endpoint → new deployment at 0% → smoke
 * probe → traffic steps with analysis and rollback → outputs and summary. Operations that answer 409 while another
 * runs on the endpoint are waited out within the timeout (the client's retry policy). Strategy remove deletes a
 * named deployment without traffic instead (online-remove.ts).
 */
import { StepError } from '../../core/errors';
import {
  applyDeploy,
  authModeFindings,
  doctorError,
  prepareDeploy,
  readLiveEndpoint,
  referenceFindings,
  reportDeploy,
  showPlan,
  type DeployOutcome,
  type Finding,
} from '../../online';
import type { StepContext } from '../definition';
import { readOnlineStepPlan } from '../online-plan';
import { isRemoval, removeDeployment } from '../online-remove';
import { connectWorkspace } from '../workspace';
import { planCompute, type ComputePlan } from './compute';
import { readComputeInputs } from './compute-inputs';
import { capacityFindings, resolveInstanceType } from './doctor';

const STEP = 'deploy-arc';

export async function deployArc(ctx: StepContext): Promise<void> {
  if (isRemoval(ctx)) return removeDeployment(ctx, STEP);
  const { host } = ctx;
  // 1. Inputs and files: all checked before anything is sent.
  const computeInputs = readComputeInputs(ctx);
  const plan = readOnlineStepPlan(ctx, { kind: 'kubernetes', compute: computeInputs.name });
  const ref = plan.endpoint.compute!;
  const computeName = computeInputs.name ?? (ref.kind === 'name' ? ref.name : ref.id.slice(ref.id.lastIndexOf('/') + 1));

  // 2. Sign in; read the live endpoint and the compute; plan the attach.
  const conn = await connectWorkspace(ctx);
  const { client, scope } = conn;
  host.info(`Signing in as ${conn.principal}; workspace ${scope.workspaceName} in ${scope.resourceGroup} (${conn.cloud.name}).`);
  const live = await readLiveEndpoint(conn, plan.endpoint.name, host);
  const compute = await planCompute(client, scope, live.location, computeName, computeInputs);
  host.info(
    compute.live
      ? `Compute ${computeName}: Kubernetes on ${compute.clusterId ?? '?'}, namespace ${compute.namespace}, ${compute.live.properties.provisioningState}; instance types ${Object.keys(compute.instanceTypes).join(', ')}.`
      : `Compute ${computeName} does not exist yet: it will be attached.`,
  );
  const findings: Finding[] = [...compute.findings];
  const liveCompute = live.endpoint?.properties.compute;
  if (liveCompute && liveCompute.toLowerCase() !== compute.id.toLowerCase()) {
    findings.push({
      input: 'compute-name',
      problem: `Endpoint '${plan.endpoint.name}' runs on compute '${liveCompute.slice(liveCompute.lastIndexOf('/') + 1)}'; an endpoint cannot move to another compute.`,
      fix: 'Name that compute, or deploy to a new endpoint on this one.',
    });
  }
  // The endpoint body names the compute by the id the service returns (its case), so a rerun compares equal.
  plan.endpoint.compute = { kind: 'id', id: liveCompute ?? compute.id };

  // 3. Plan the rollout, the assets and the bodies.
  const prepared = await prepareDeploy(conn, live, plan, host, ctx.deadline.signal);
  const extra = (c: ComputePlan) => ({ outputs: { 'compute-id': c.id }, facts: [['Compute', `${c.name} (${c.namespace ?? 'default'})`]] as [string, string][] });
  if (prepared.kind === 'unchanged' && !compute.attach && findings.length === 0) return reportDeploy(host, STEP, prepared.outcome, extra(compute));

  // 4. Doctor: compute and cluster, auth mode, instance type, cluster capacity, references.
  findings.push(...authModeFindings(live, plan.endpoint));
  if (prepared.kind === 'rollout') {
    const body = prepared.deploymentBody;
    const type = resolveInstanceType(compute, body);
    if (type.finding) findings.push(type.finding);
    else body.properties.instanceType = type.name;
    if (findings.length === 0) {
      findings.push(...(await capacityFindings(client, { location: live.location, compute, deploymentName: prepared.rollout.deployment, body, deployments: live.deployments })));
    }
    findings.push(...(await referenceFindings(prepared.assets.references)));
  }
  if (findings.length > 0) throw doctorError(findings);
  if (compute.attach) host.info(`Then: ${compute.attach.reason} compute ${computeName} (${compute.clusterId}, namespace ${compute.namespace}, instance types ${Object.keys(compute.instanceTypes).join(', ')}).`);
  const dryRun = conn.dryRun;
  if (prepared.kind === 'rollout' ? showPlan(host, prepared, plan.endpoint.name, dryRun) : dryRun) {
    if (prepared.kind === 'unchanged') host.info('Dry run: nothing was written.');
    return reportDeploy(host, STEP, { ...prepared.outcome, result: 'dry-run' }, extra(compute));
  }

  // 5. Apply: the attach, then assets, the endpoint and the rollout; 6. report.
  if (compute.attach) {
    const attached = await host.group(`Attaching ${computeName} (${compute.attach.reason})`, () => client.computes.attachCompute(scope.resourceGroup, scope.workspaceName, computeName, compute.attach!.body));
    const state = attached.resource?.properties.provisioningState;
    if (state && state !== 'Succeeded') throw new StepError('service', `Attaching compute ${computeName} ended ${state}.`, { input: 'cluster-id' });
    compute.id = attached.resource?.id ?? compute.id;
    host.info(`Compute ${computeName} attached.`);
  }
  if (prepared.kind === 'unchanged') return reportDeploy(host, STEP, prepared.outcome, extra(compute));
  const outcome: DeployOutcome = await applyDeploy(conn, live, prepared, plan, host, ctx.deadline);
  await reportDeploy(host, STEP, outcome, extra(compute));
}
