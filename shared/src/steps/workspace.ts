import type { TokenCredential } from '@azure/core-auth';
import { describeAuth } from '../auth/config';
import { prefetchAccessToken, prefetchAuthorityMetadata, prefetchSignIn, type PrefetchedGet } from '../auth/prefetch';
import { preconnectArm, type PreconnectedAgent } from '../azureml/preconnect';
import { resolveAuth, type AuthSource, type ResolvedAuth } from '../auth/select';
import { armScope, type CloudEndpoints } from '../auth/clouds';
import type { AzureMlClient } from '../azureml/client';
import { inputError } from '../core/errors';
import { requestsWritten, watchRequests } from '../core/requests-written';
import { checkResourceGroup, checkSubscriptionId, checkWorkspaceName } from '../core/names';
import { checkApiVersion } from '../specs/api-version';
import type { WorkspaceScope } from '../specs/datastore-uri';
import type { StepContext } from './definition';
// `turn()` yields to the event loop, so that requests already started make progress between two long module loads.
import { setImmediate as turn } from 'node:timers/promises';

export interface WorkspaceConnection {
  client: AzureMlClient;
  scope: WorkspaceScope;
  cloud: CloudEndpoints;
  /** The signed-in credential, for data-plane tokens (https://ml.azure.com). */
  credential: TokenCredential;
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
  checkWorkspaceName(workspaceName, 'workspace');
  const apiVersion = ctx.inputs.string('api-version')?.trim();
  if (apiVersion) checkApiVersion(apiVersion, 'api-version');
  return {
    resourceGroup,
    workspaceName,
    timeoutMs: ctx.deadline.timeoutMs,
    dryRun: ctx.inputs.boolean('dry-run'),
  };
}

/** What connectWorkspace decides from the inputs alone: who signs in, where, and the subscription. */
export interface ConnectionPlan {
  auth: ResolvedAuth;
  /** The tenant's OpenID metadata, in flight since the plan was made (MSAL's first request). */
  authorityMetadata?: PrefetchedGet;
  /** The agent ARM requests go out on, its connection to the ARM endpoint opening since the plan was made. */
  armAgent?: PreconnectedAgent;
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  timeoutMs: number;
  dryRun: boolean;
}

/**
 * Read and check the sign-in and workspace inputs (input errors are thrown here), then start signing in: a GitHub
 * ID token or an Azure DevOps service connection's OIDC token, and the tenant's OpenID metadata, are requested now,
 * while the modules that use them load, and connections to the ARM endpoint are opened (as many as
 * `armConnections`, one by default; no request on them yet). No Azure request, no heavy module.
 */
export function planConnection(ctx: StepContext, options: { armConnections?: number } = {}): ConnectionPlan {
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
  watchRequests();
  const config = prefetchSignIn(auth.config);
  return {
    ...base,
    auth: { ...auth, config },
    authorityMetadata: prefetchAuthorityMetadata(config, auth.cloud.authorityHost),
    armAgent: preconnectArm(auth.cloud.resourceManager, process.env, options.armConnections),
    subscriptionId,
  };
}


/**
 * Sign in and build the Azure ML client for the workspace the inputs name (from `plan` when the step planned the
 * connection earlier). @azure/identity and the ARM SDK are loaded here, on this path only; the ARM token is
 * requested between the two.
 */
export async function connectWorkspace(
  ctx: StepContext,
  plan: ConnectionPlan = planConnection(ctx),
  /** Aborts signing in and every request of the client (default: the step's deadline). */
  signal: AbortSignal = ctx.deadline.signal,
): Promise<WorkspaceConnection> {
  const { host, inputs } = ctx;
  const { auth, subscriptionId } = plan;
  // The early requests leave first (their TLS handshakes need the event loop); identity then loads while they are answered.
  await requestsWritten();
  await turn();
  const { createCredential } = await import('../auth/credential');
  // Stopped already (the step failed meanwhile): no token request. @azure/identity only acts on an abort that comes
  // while a request is out.
  signal.throwIfAborted();
  // Signing in starts now (the ARM token), while the ARM SDK and the client load (see prefetchAccessToken).
  const signedIn = createCredential(auth.config, {
    cloud: auth.cloud,
    onSecret: (v) => host.setSecret(v),
    logger: host,
    authorityMetadata: plan.authorityMetadata,
  });
  const credential = prefetchAccessToken(signedIn, armScope(auth.cloud), signal);
  await turn();
  const { AzureMlClient } = await import('../azureml/client');
  const client = new AzureMlClient({
    credential,
    cloud: auth.cloud,
    subscriptionId,
    logger: host,
    signal,
    apiVersion: inputs.string('api-version'),
    timeoutMs: plan.timeoutMs,
    onSecret: (v: string) => host.setSecret(v),
    agent: plan.armAgent,
  });
  return {
    client,
    scope: { subscriptionId, resourceGroup: plan.resourceGroup, workspaceName: plan.workspaceName },
    cloud: auth.cloud,
    credential,
    principal: describeAuth(auth.config),
    timeoutMs: plan.timeoutMs,
    dryRun: plan.dryRun,
  };
}
