import { createCredential, describeAuth } from '../auth/credential';
import { resolveAuth, type AuthSource } from '../auth/select';
import type { CloudEndpoints } from '../auth/clouds';
import { AzureMlClient } from '../azureml/client';
import { inputError } from '../core/errors';
import { checkResourceGroup, checkSubscriptionId } from '../core/names';
import { checkApiVersion } from '../specs/api-version';
import type { WorkspaceScope } from '../specs/datastore-uri';
import type { StepContext } from './definition';

export interface WorkspaceConnection {
  client: AzureMlClient;
  scope: WorkspaceScope;
  cloud: CloudEndpoints;
  /** Who signs in, for messages (no secrets). */
  principal: string;
  timeoutMs: number;
  dryRun: boolean;
}

/** Workspace coordinates and run options from the connection inputs; no network. */
export function workspaceInputs(ctx: StepContext): { resourceGroup: string; workspaceName: string; timeoutMs: number; dryRun: boolean } {
  const resourceGroup = ctx.inputs.required('resource-group');
  const workspaceName = ctx.inputs.required('workspace');
  checkResourceGroup(resourceGroup, 'resource-group');
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/.test(workspaceName)) {
    throw inputError(
      `Input 'workspace' is not a valid workspace name: '${workspaceName}' (3-33 letters, digits, '-' or '_', starting with a letter or digit).`,
      { input: 'workspace' },
    );
  }
  const apiVersion = ctx.inputs.string('api-version')?.trim();
  if (apiVersion) checkApiVersion(apiVersion, 'api-version');
  return {
    resourceGroup,
    workspaceName,
    timeoutMs: ctx.deadline.timeoutMs,
    dryRun: ctx.inputs.boolean('dry-run'),
  };
}

/** Sign in and build the Azure ML client for the workspace the inputs name. Sends nothing yet. */
export function connectWorkspace(ctx: StepContext): WorkspaceConnection {
  const { host, inputs } = ctx;
  const base = workspaceInputs(ctx);
  const source: AuthSource = {
    input: (name) => {
      try {
        return inputs.string(name);
      } catch {
        return undefined;
      }
    },
    host: host.auth,
    env: process.env,
  };
  const auth = resolveAuth(source);
  const subscriptionId = inputs.string('subscription-id') ?? auth.subscriptionId;
  if (!subscriptionId) {
    throw inputError("Input 'subscription-id' is required (or set AZURE_SUBSCRIPTION_ID).", { input: 'subscription-id' });
  }
  checkSubscriptionId(subscriptionId, 'subscription-id');
  const credential = createCredential(auth.config, { cloud: auth.cloud, onSecret: (v) => host.setSecret(v), logger: host });
  const client = new AzureMlClient({
    credential,
    cloud: auth.cloud,
    subscriptionId,
    logger: host,
    signal: ctx.deadline.signal,
    apiVersion: inputs.string('api-version'),
    timeoutMs: base.timeoutMs,
    onSecret: (v: string) => host.setSecret(v),
  });
  return {
    client,
    scope: { subscriptionId, resourceGroup: base.resourceGroup, workspaceName: base.workspaceName },
    cloud: auth.cloud,
    principal: describeAuth(auth.config),
    timeoutMs: base.timeoutMs,
    dryRun: base.dryRun,
  };
}
