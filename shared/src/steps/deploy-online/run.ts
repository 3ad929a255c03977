/**
 * deploy-online: validate everything locally → sign in → read the live endpoint, deployments, traffic and mirror →
 * plan → doctor → plan printed (dry-run stops here) → assets → endpoint → new deployment at 0% → smoke probe →
 * traffic steps with analysis (rollback on failure, cancellation or the deadline) → cleanup → outputs and summary.
 * Strategy stage stops after the smoke probe (result staged); a deployment already as desired at 0% is not written.
 * Strategy remove deletes a named deployment without traffic instead (online-remove.ts).
 */
import {
  applyDeploy,
  authModeFindings,
  busyFindings,
  doctorError,
  managedCapacityFindings,
  prepareDeploy,
  readLiveEndpoint,
  referenceFindings,
  reportDeploy,
  showPlan,
} from '../../online';
import type { StepContext } from '../definition';
import { connectWorkspace } from '../workspace';
import { readOnlineStepPlan } from '../online-plan';
import { isRemoval, removeDeployment } from '../online-remove';

export async function deployOnline(ctx: StepContext): Promise<void> {
  if (isRemoval(ctx)) return removeDeployment(ctx, 'deploy-online');
  const { host } = ctx;
  // 1. Inputs and files: all checked before anything is sent.
  const plan = readOnlineStepPlan(ctx, { kind: 'managed' });

  // 2. Sign in; read the live endpoint and its deployments.
  const conn = await connectWorkspace(ctx);
  host.info(`Signing in as ${conn.principal}; workspace ${conn.scope.workspaceName} in ${conn.scope.resourceGroup} (${conn.cloud.name}).`);
  const live = await readLiveEndpoint(conn, plan.endpoint.name, host);

  // 3. Plan: the rollout, the assets, the bodies; or nothing to do.
  const prepared = await prepareDeploy(conn, live, plan, host, ctx.deadline.signal);
  if (prepared.kind === 'unchanged') return reportDeploy(host, 'deploy-online', prepared.outcome);

  // 4. Doctor: busy endpoint, auth mode, VM size and quota, references. Nothing is written when it finds a problem.
  const body = prepared.deploymentBody;
  const findings = [
    ...busyFindings(live.endpoint, live.deployments),
    ...authModeFindings(live, plan.endpoint),
    ...(await managedCapacityFindings(conn.client, {
      location: live.location,
      deployments: live.deployments,
      deploymentName: prepared.rollout.deployment,
      instanceType: body.properties.instanceType ?? 'Standard_F4s_v2',
      instanceCount: body.sku?.capacity ?? 1,
    })),
    ...(await referenceFindings(prepared.assets.references)),
  ];
  if (findings.length > 0) throw doctorError(findings);
  if (showPlan(host, prepared, plan.endpoint.name, conn.dryRun)) return reportDeploy(host, 'deploy-online', { ...prepared.outcome, result: 'dry-run' });

  // 5. Apply: assets, the endpoint, then the rollout; 6. report (a failed rollout fails the step after the summary).
  const outcome = await applyDeploy(conn, live, prepared, plan, host, ctx.deadline);
  await reportDeploy(host, 'deploy-online', outcome);
}
