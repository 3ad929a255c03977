/** Shared pieces for client tests: a recording logger and a client pointed at a scripted server. */
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { Logger } from '../../../shared/src/core/logger';
import { AzureMlClient, type AzureMlClientOptions } from '../../../shared/src/azureml/client';
import type { CloudEndpoints } from '../../../shared/src/auth/clouds';
import type { ScriptedServer } from './scripted-server';

export const SUB = '00000000-0000-0000-0000-000000000001';
export const WS_PATH = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws`;

export interface LogLine {
  level: 'info' | 'debug' | 'warning' | 'error' | 'progress';
  message: string;
}

export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (message) => lines.push({ level: 'info', message }),
    debug: (message) => lines.push({ level: 'debug', message }),
    warning: (message) => lines.push({ level: 'warning', message }),
    error: (message) => lines.push({ level: 'error', message }),
    progress: (message) => lines.push({ level: 'progress', message }),
    group: (_t, fn) => fn(),
  };
}

/** A credential that hands out a fixed token (the client, not sign-in, is under test here). */
export const staticCredential: TokenCredential = {
  async getToken(): Promise<AccessToken> {
    return { token: 'test-access-token', expiresOnTimestamp: Date.now() + 3600_000 };
  },
};

export function cloudFor(server: ScriptedServer): CloudEndpoints {
  return {
    name: 'Custom',
    resourceManager: server.base,
    resourceManagerAudience: 'https://management.azure.com',
    authorityHost: server.base,
    mlAudience: 'https://ml.azure.com',
  };
}

/** Fast retries and polls so tests run in seconds; each test can override. */
export function testClient(
  server: ScriptedServer,
  overrides: Partial<AzureMlClientOptions> = {},
): AzureMlClient {
  return new AzureMlClient({
    credential: staticCredential,
    cloud: cloudFor(server),
    subscriptionId: SUB,
    logger: recordingLogger(),
    retry: { baseDelayMs: 20, maxDelayMs: 100, conflictDelayMs: 50 },
    pollSchedule: () => 20,
    ...overrides,
  });
}
