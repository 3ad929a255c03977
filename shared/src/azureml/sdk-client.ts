/**
 * The @azure/arm-machinelearning client, pointed at the cloud's ARM endpoint, with our retry policy as the
 * only retry behaviour in its pipeline and a serialize-only probe that shows what the SDK would put on the wire.
 */
import { randomUUID } from 'node:crypto';
import type { Agent } from 'node:https';
import type { TokenCredential } from '@azure/core-auth';
import { authorizeRequestOnClaimChallenge, type OperationOptions } from '@azure/core-client';
import {
  bearerTokenAuthenticationPolicy,
  bearerTokenAuthenticationPolicyName,
  createHttpHeaders,
  type PipelinePolicy,
} from '@azure/core-rest-pipeline';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning/dist-esm/src/index.js';
import type { Logger } from '../core/logger';
import { armScope, type CloudEndpoints } from '../auth/clouds';
import { armRetryPolicy, type RetryOptions } from './retry';
import { parseJson } from './transport';

/** The api-version @azure/arm-machinelearning 2.1.1 is generated for. */
export const SDK_API_VERSION = '2022-10-01';

const PROBE_HEADER = 'x-aml-lifecycle-serialize-only';
const DEFAULT_RETRY_POLICY_NAME = 'defaultRetryPolicy';

export interface SdkClientOptions {
  credential: TokenCredential;
  cloud: CloudEndpoints;
  subscriptionId: string;
  logger: Logger;
  retry: RetryOptions;
  userAgent?: string;
  /** The agent every request goes out on (preconnect.ts: its first connection opened while signing in). */
  agent?: Agent;
}

export interface SdkClient {
  sdk: AzureMachineLearningWorkspaces;
  /** Run an SDK call without sending it; resolves to the JSON body the SDK would have sent. */
  serializeOnly(call: (options: OperationOptions) => Promise<unknown>): Promise<unknown>;
}

export function createSdkClient(opts: SdkClientOptions): SdkClient {
  const endpoint = opts.cloud.resourceManager;
  const sdk = new AzureMachineLearningWorkspaces(opts.credential, opts.subscriptionId, {
    endpoint,
    $host: endpoint,
    credentialScopes: [armScope(opts.cloud)],
    userAgentOptions: opts.userAgent ? { userAgentPrefix: opts.userAgent } : undefined,
    retryOptions: { maxRetries: 0 },
  });
  sdk.pipeline.removePolicy({ name: DEFAULT_RETRY_POLICY_NAME });
  sdk.pipeline.addPolicy(armRetryPolicy(opts.retry, opts.logger), { phase: 'Retry' });
  // The SDK signs before the retry phase; sign each attempt instead, so a long wait never resends an old token.
  sdk.pipeline.removePolicy({ name: bearerTokenAuthenticationPolicyName });
  sdk.pipeline.addPolicy(
    bearerTokenAuthenticationPolicy({
      credential: opts.credential,
      scopes: armScope(opts.cloud),
      challengeCallbacks: { authorizeRequestOnChallenge: authorizeRequestOnClaimChallenge },
    }),
    { phase: 'Sign' },
  );

  const agent = opts.agent;
  if (agent) {
    // Requests with an agent or TLS settings of their own keep them.
    sdk.pipeline.addPolicy({
      name: 'amlPreconnectedAgent',
      sendRequest(request, next) {
        if (!request.agent && !request.tlsSettings) request.agent = agent;
        return next(request);
      },
    });
  }

  const captured = new Map<string, string | undefined>();
  const probe: PipelinePolicy = {
    name: 'amlSerializeOnlyProbe',
    async sendRequest(request, next) {
      const id = request.headers.get(PROBE_HEADER);
      if (!id) return next(request);
      captured.set(id, typeof request.body === 'string' ? request.body : undefined);
      return { status: 200, headers: createHttpHeaders(), request, bodyAsText: '' };
    },
  };
  // Inside the Serialize phase, after the serializer: ahead of signing (the SDK adds its bearer policy
  // without a phase) and of sending.
  sdk.pipeline.addPolicy(probe, { phase: 'Serialize' });

  return {
    sdk,
    async serializeOnly(call) {
      const id = randomUUID();
      try {
        await call({ requestOptions: { customHeaders: { [PROBE_HEADER]: id } } });
        return parseJson(captured.get(id));
      } finally {
        captured.delete(id);
      }
    },
  };
}
