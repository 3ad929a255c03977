/**
 * promote-model: everything is parsed and checked locally, then the source and the registry are read, the gate
 * runs on that plan before anything is written, and the copy (publish, or discovery + import) is verified.
 */
import { checkModelName, checkModelVersion, checkRegistryName, checkResourceGroup, checkSubscriptionId } from '../../core/names';
import { parseModelReference } from '../../promote/model-reference';
import { registryModels } from '../../promote/model-store';
import { promoteToRegistry } from '../../promote/promote';
import { refuseRegistrySource, resolveWorkspaceSource } from '../../promote/resolve-source';
import { promoteSummary } from '../../promote/summary';
import type { StepContext } from '../definition';
import { connectWorkspace, workspaceInputs } from '../workspace';
import { checkGate, type GateOutcome } from '../../gate/check';
import { readGateSettings } from '../gate-settings';
import { metricsAsProperties } from '../../gate/recorded-metrics';


export async function promoteModel(ctx: StepContext): Promise<void> {
  const { host, inputs } = ctx;
  // 1. Local checks: nothing is sent before all of these pass.
  workspaceInputs(ctx);
  const reference = parseModelReference(inputs.required('model'), { input: 'model', version: inputs.string('model-version') });
  refuseRegistrySource(reference, 'model');
  const registry = checkRegistryName(inputs.required('registry'), 'registry');
  const destinationName = inputs.string('destination-name');
  if (destinationName !== undefined) checkModelName(destinationName, 'destination-name');
  const destinationVersion = inputs.string('destination-version');
  if (destinationVersion !== undefined) checkModelVersion(destinationVersion, 'destination-version');
  const registryResourceGroup = inputs.string('registry-resource-group');
  if (registryResourceGroup !== undefined) checkResourceGroup(registryResourceGroup, 'registry-resource-group');
  const registrySubscription = inputs.string('registry-subscription-id');
  if (registrySubscription !== undefined) checkSubscriptionId(registrySubscription, 'registry-subscription-id');
  const gate = readGateSettings(inputs);

  // 2. Sign in and plan.
  const conn = await connectWorkspace(ctx);
  const { client, scope } = conn;
  const source = await resolveWorkspaceSource(reference, { client, resourceGroup: scope.resourceGroup, workspace: scope.workspaceName });
  const target = {
    client: client.forSubscription(registrySubscription ?? scope.subscriptionId),
    resourceGroup: registryResourceGroup ?? scope.resourceGroup,
    registry,
    name: destinationName,
    version: destinationVersion,
  };
  let gateOutcome: GateOutcome = { forced: false, markdown: '' };
  const outcome = await promoteToRegistry({
    source,
    target,
    run: host.run,
    approver: gate.approver,
    alias: gate.alias,
    // Metrics the gate judged from a file are recorded on the copy (as tags: its properties come from the source).
    tags: gate.metrics ? metricsAsProperties(gate.metrics) : undefined,
    dryRun: conn.dryRun,
    logger: host,
    signal: ctx.deadline.signal,
    // The gate: the champion is in the registry, under the destination name.
    beforeWrite: async (plan) => {
      if (plan.action === 'already-promoted') return;
      gateOutcome = await checkGate(gate, registryModels(target.client, target.resourceGroup, registry), plan.name, { recorded: plan.sourceVersion }, host);
    },
  });

  const p = outcome.plan;
  host.setOutput('asset-id', p.assetId);
  host.setOutput('model-name', p.name);
  host.setOutput('model-version', p.version);
  host.setOutput('result', outcome.result);
  host.setOutput('gate', gate.rules ? (gateOutcome.forced ? 'failed-forced' : gateOutcome.result ? 'passed' : 'not-evaluated') : 'none');
  await host.summary([promoteSummary(outcome), gateOutcome.markdown].filter(Boolean).join('\n\n'));
}
