/** What the end-to-end tests share: model folders, names, and the environments the runner, agent and CLI get. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseEnv, type ProcessResult } from '../../shared/cli/runners';
import { visibleLog, type TestEmulator } from './emulator';

/** A model folder with content no other test has. */
export function modelFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'model-'));
  mkdirSync(join(dir, 'weights'));
  writeFileSync(join(dir, 'weights', 'w.bin'), randomBytes(2048));
  writeFileSync(join(dir, 'MLmodel'), 'flavors: {}\n');
  return dir;
}

/** A model folder with text content no other test has, and its files, to compare with what storage holds. */
export function textModelFolder(): { dir: string; files: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'model-'));
  mkdirSync(join(dir, 'weights'));
  const files = { MLmodel: 'flavors: {}\n', 'weights/w.bin': randomBytes(1024).toString('base64') };
  for (const [rel, text] of Object.entries(files)) writeFileSync(join(dir, rel), text);
  return { dir, files };
}

export const uniqueName = (prefix = 'm'): string => `${prefix}-${randomBytes(4).toString('hex')}`;

/** The workspace inputs of the emulator's default workspace. */
export function workspaceInputs(t: TestEmulator): Record<string, string> {
  return { 'subscription-id': t.env.AZURE_SUBSCRIPTION_ID, 'resource-group': t.env.AML_RESOURCE_GROUP, workspace: t.env.AML_WORKSPACE };
}

/** The inputs of the emulator's registry (in another subscription and resource group than the workspace). */
export function registryInputs(t: TestEmulator): Record<string, string> {
  return { registry: t.env.AML_REGISTRY_NAME, 'registry-resource-group': t.env.AML_REGISTRY_RESOURCE_GROUP, 'registry-subscription-id': t.env.AML_REGISTRY_SUBSCRIPTION_ID };
}

/** `text` as a regular expression that matches it literally. */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A GitHub job with id-token permission: OIDC is what auth-type auto picks. */
export const githubEnv = (t: TestEmulator, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv =>
  baseEnv({ ...t.env, SYSTEM_OIDCREQUESTURI: undefined, ...extra });

/** A terminal: no OIDC variables; pass AZURE_CLIENT_SECRET or another sign-in in `extra`. */
export const cliEnv = (t: TestEmulator, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv =>
  baseEnv({ ...t.env, ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined, SYSTEM_OIDCREQUESTURI: undefined, ...extra });

/** An Azure DevOps agent: only the CA and the OIDC request URI (plus `extra`); the rest comes with the service connection. */
export const agentEnv = (t: TestEmulator, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv =>
  baseEnv({ NODE_EXTRA_CA_CERTS: t.env.NODE_EXTRA_CA_CERTS, SYSTEM_OIDCREQUESTURI: t.env.SYSTEM_OIDCREQUESTURI, ...extra });

/** An AzureRM service connection to the emulator's cloud. */
export function serviceConnection(
  t: TestEmulator,
  scheme: 'WorkloadIdentityFederation' | 'ServicePrincipal' | 'ManagedServiceIdentity',
  parameters: Record<string, string>,
) {
  return {
    id: t.world.identity.adoConnections[0].id,
    scheme,
    parameters,
    data: {
      subscriptionId: t.env.AZURE_SUBSCRIPTION_ID,
      environment: 'AzureStack',
      environmentAuthorityUrl: t.env.AML_AUTHORITY_HOST,
      activeDirectoryServiceEndpointResourceId: t.env.AML_ARM_AUDIENCE,
    },
    url: t.env.AML_ARM_ENDPOINT,
  };
}

/** Collects everything a run showed (what a runner or agent would display), for the secrets check. */
export class Capture {
  readonly texts: string[] = [];
  record<T extends ProcessResult & { outputs?: Record<string, string>; summary?: string }>(r: T): T {
    this.texts.push(visibleLog(r.stdout), visibleLog(r.stderr), JSON.stringify(r.outputs ?? {}), r.summary ?? '');
    return r;
  }
}
