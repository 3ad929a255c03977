/** register-model with `registry`: a local folder goes straight into a registry (pending upload, then the LRO PUT). */
import { registerIntoRegistry } from '../../promote/register-into-registry';
import { registryModels } from '../../promote/model-store';
import { registryRegistrationSummary } from '../../promote/summary';
import type { ModelVersionPlan } from '../../specs/model-spec';
import type { StepContext } from '../definition';
import type { WorkspaceConnection } from '../workspace';
import { checkGate, type GateOutcome, type GateSettings } from '../../gate/check';
import type { LocalContent } from '../../assets/local-content';

export async function registerModelInRegistry(
  ctx: StepContext,
  conn: WorkspaceConnection,
  plan: ModelVersionPlan,
  local: LocalContent,
  gate: GateSettings,
  registry: string,
): Promise<void> {
  const { host, inputs } = ctx;
  const client = conn.client.forSubscription(inputs.string('registry-subscription-id') ?? conn.scope.subscriptionId);
  const resourceGroup = inputs.string('registry-resource-group') ?? conn.scope.resourceGroup;
  host.info(`Signing in as ${conn.principal}; registry ${registry} in ${resourceGroup} (${conn.cloud.name}).`);
  let gateOutcome: GateOutcome = { forced: false, markdown: '' };
  const outcome = await registerIntoRegistry({
    client,
    resourceGroup,
    registry,
    name: plan.name,
    version: plan.version,
    localPath: local.content.root,
    content: local.content,
    body: plan.body,
    run: host.run,
    approver: gate.approver,
    alias: gate.alias,
    dryRun: conn.dryRun,
    logger: host,
    signal: ctx.deadline.signal,
    beforeWrite: async (p) => {
      if (p.action === 'unchanged') return;
      gateOutcome = await checkGate(gate, registryModels(client, resourceGroup, registry), p.name, { version: p.version }, host);
    },
  });
  const p = outcome.plan;
  host.setOutput('model-name', p.name);
  host.setOutput('model-version', p.version);
  host.setOutput('model-id', p.assetId);
  host.setOutput('model-ref', p.assetId);
  host.setOutput('model-uri', outcome.modelUri ?? outcome.destination?.properties?.modelUri ?? '');
  host.setOutput('result', outcome.result === 'registered' ? 'created' : outcome.result);
  host.setOutput('gate', gate.rules ? (gateOutcome.forced ? 'failed-forced' : 'passed') : 'none');
  await host.summary([registryRegistrationSummary(outcome), gateOutcome.markdown].filter(Boolean).join('\n\n'));
}
