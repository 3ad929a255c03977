/**
 * Step 1 of the online-endpoint steps (deploy-online, deploy-arc): everything decided from the inputs and files
 * alone, before signing in. Any problem here is an input error naming the input or file:line, and nothing has been
 * sent.
 */
import { existsSync } from 'node:fs';
import { parse } from 'yaml';
import { resolve } from 'node:path';
import { inputError } from '../core/errors';
import { readRegularFile } from '../core/files';
import { loadProbeFile, parseRolloutInputs, type ProbeFile, type RolloutChoices } from '../rollout';
import { loadOnlineDeploymentSpec, loadOnlineEndpointSpec, type OnlineDeploymentPlan, type OnlineEndpointPlan } from '../specs/online';
import type { StepContext } from './definition';
import type { EndpointKind } from './online-inputs';

export interface OnlineStepPlan {
  endpoint: OnlineEndpointPlan;
  deployment: OnlineDeploymentPlan;
  rollout: RolloutChoices;
  probe?: ProbeFile;
  /** True when `deployment-name` is auto: the plan's deployment name is only a placeholder until the live state is read. */
  autoName: boolean;
}

/** `name@alias` and `name:version` without the `azureml:` prefix, as register/promote users write them. */
export function normaliseModelInput(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^azureml:/i.test(v) || v.startsWith('/') || existsSync(resolve(v))) return v;
  return /^[A-Za-z0-9][\w.-]*[:@][\w.-]+$/.test(v) ? `azureml:${v}` : v;
}

/** `name:` and `endpoint_name:` at the top of a deployment YAML (a quick look; the loader reports the file's problems). */
export function topLevelNames(text: string): { name?: string; endpoint?: string } {
  try {
    const doc = parse(text) as { name?: unknown; endpoint_name?: unknown } | null;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return { name: str(doc?.name), endpoint: str(doc?.endpoint_name) };
  } catch {
    return {};
  }
}

/** What the step reads for one endpoint kind: deploy-online (managed) or deploy-arc (Kubernetes, with its compute). */
export interface OnlineStepKind {
  kind: EndpointKind;
  /** The Kubernetes compute's name from the step's inputs (deploy-arc). */
  compute?: string;
}

export function readOnlineStepPlan(ctx: StepContext, k: OnlineStepKind): OnlineStepPlan {
  const { inputs } = ctx;
  const endpointFile = inputs.string('endpoint-file');
  const deploymentFile = inputs.string('deployment-file');
  // Without deployment-name, the file's own `name:` is kept (the YAML works unchanged); else the pair is used.
  // Read once (a regular file only, never a FIFO or device); the loader gets the same text.
  const deploymentText = deploymentFile ? readRegularFile(resolve(deploymentFile), { input: 'deployment-file' }) : undefined;
  const top = deploymentText !== undefined ? topLevelNames(deploymentText) : {};
  const fileName = top.name;
  const rollout = parseRolloutInputs({
    strategy: inputs.string('strategy'),
    'deployment-name': inputs.string('deployment-name') ?? fileName,
    'deployment-names': inputs.string('deployment-names'),
    'traffic-steps': inputs.string('traffic-steps'),
    'mirror-percent': inputs.string('mirror-percent'),
    analysis: inputs.string('analysis'),
    'failure-limit': inputs.string('failure-limit'),
    'on-success': inputs.string('on-success'),
    'on-failure': inputs.string('on-failure'),
    bakeTimeMs: inputs.durationMs('bake-time'),
    checkIntervalMs: inputs.durationMs('check-interval'),
  });
  const endpoint = loadOnlineEndpointSpec({
    file: endpointFile ? resolve(endpointFile) : undefined,
    fileInput: 'endpoint-file',
    // Without an endpoint file or name, the deployment file's endpoint_name names it (as `az ml` does with -e).
    inputs: {
      endpointName: inputs.string('endpoint-name') ?? (endpointFile ? undefined : top.endpoint),
      authMode: inputs.choice('auth-mode'),
      compute: k.compute,
    },
  });
  // With `auto`, the deployment's name is chosen from the live traffic later; load it under the pair's first name.
  const autoName = rollout.deployment.kind === 'auto';
  const deployment = loadOnlineDeploymentSpec({
    file: deploymentFile ? resolve(deploymentFile) : undefined,
    text: deploymentText,
    fileInput: 'deployment-file',
    set: inputs.string('set'),
    setInput: 'set',
    kindWithoutFile: k.kind,
    inputs: {
      endpointName: endpoint.name,
      deploymentName: rollout.deployment.kind === 'named' ? rollout.deployment.name : rollout.deployment.pair[0],
      model: normaliseModelInput(inputs.string('model')),
      environment: inputs.string('environment'),
      code: inputs.string('code'),
      scoringScript: inputs.string('scoring-script'),
      instanceType: inputs.string('instance-type'),
      instanceCount: inputs.string('instance-count'),
    },
  });
  if (deployment.endpointName.toLowerCase() !== endpoint.name.toLowerCase()) {
    throw inputError(`The deployment names endpoint '${deployment.endpointName}' but the endpoint is '${endpoint.name}'.`, { input: 'endpoint-name' });
  }
  if (k.kind === 'managed') {
    if (deployment.kind !== 'managed') throw inputError('The deployment is a Kubernetes deployment (type: kubernetes); deploy-online deploys managed ones (use deploy-arc for Kubernetes).', { input: 'deployment-file' });
    if (endpoint.kind !== 'managed') throw inputError("The endpoint is a Kubernetes endpoint (it names a compute); deploy-online deploys managed ones (use deploy-arc for Kubernetes).", { input: 'endpoint-file' });
  } else {
    if (endpoint.kind !== 'kubernetes') throw inputError("A Kubernetes endpoint needs its compute: give 'compute-name', or 'compute: azureml:<name>' in the endpoint file.", { input: 'compute-name' });
    if (deployment.kind !== 'kubernetes') {
      throw inputError("The deployment is a managed deployment; a Kubernetes endpoint's deployments need 'type: kubernetes' in the deployment file (deploy-arc without a file makes one).", { input: 'deployment-file' });
    }
    const mirrored = Object.values(endpoint.body.properties.mirrorTraffic ?? {}).some((v) => v > 0);
    if (rollout.mirrorPercent > 0 || mirrored) {
      throw inputError('Kubernetes online endpoints cannot mirror traffic (the service supports mirroring on managed endpoints only); remove mirror-percent and mirror_traffic, or use a canary.', {
        input: rollout.mirrorPercent > 0 ? 'mirror-percent' : 'endpoint-file',
      });
    }
  }
  if (!deployment.model) throw inputError("A model is required: the 'model' input, or 'model:' in the deployment file.", { input: 'model' });
  const probeFile = inputs.string('probe-file');
  const probe = probeFile ? loadProbeFile(resolve(probeFile)) : undefined;
  return { endpoint, deployment, rollout, probe, autoName };
}
