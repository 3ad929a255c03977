/**
 * The emulator as an end-to-end test reads it back: ARM calls with the first app's token, model versions and alias
 * holders in the workspace or the registry, the registry's storage read with the account key, and the journal.
 */
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { JournalEntry } from '../../shared/cli/emulator-control';
import type { TestEmulator } from './emulator';

const API = '2025-04-01';

interface ArmWorld {
  registries: Array<{ name: string; storageAccount: string; container: string }>;
  storageAccounts: Array<{ name: string; key: string }>;
  /** `frontPort`: the blob front every handed-out blob URL names; `port`: Azurite itself. */
  azurite: { port: number; frontPort: number };
}

export interface ModelVersionJson {
  name: string;
  properties: { modelUri: string; provisioningState?: string; tags?: Record<string, string>; properties?: Record<string, string> };
}

/** Where model versions live: the emulator's default workspace, or its registry (in a second subscription). */
export type ModelHome = 'workspace' | 'registry';

// Keyed by authority and app: one token per app and emulator for the whole test file.
const tokens = new Map<string, string>();

/** An ARM token for the emulator's first app (client credentials against the emulator's Entra). */
export async function armToken(t: TestEmulator): Promise<string> {
  const app = t.world.identity.apps[0];
  const key = `${t.env.AML_AUTHORITY_HOST}|${app.appId}`;
  const cached = tokens.get(key);
  if (cached) return cached;
  const res = await fetch(`${t.env.AML_AUTHORITY_HOST}/${t.world.identity.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.appId, client_secret: app.secrets[0].value, scope: `${t.env.AML_ARM_AUDIENCE}.default` }),
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  const token = ((await res.json()) as { access_token: string }).access_token;
  tokens.set(key, token);
  return token;
}

/** One ARM request at the emulator; the body is parsed as JSON when there is one. */
export async function arm<T = unknown>(t: TestEmulator, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const url = new URL(path, t.env.AML_ARM_ENDPOINT);
  url.searchParams.set('api-version', API);
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${await armToken(t)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
}

export const workspacePath = (t: TestEmulator): string =>
  `/subscriptions/${t.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${t.env.AML_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/${t.env.AML_WORKSPACE}`;

export const registryPath = (t: TestEmulator): string =>
  `/subscriptions/${t.env.AML_REGISTRY_SUBSCRIPTION_ID}/resourceGroups/${t.env.AML_REGISTRY_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/registries/${t.env.AML_REGISTRY_NAME}`;

const modelsPath = (t: TestEmulator, home: ModelHome) => `${home === 'workspace' ? workspacePath(t) : registryPath(t)}/models`;

/** name:version in `home`, or undefined when it does not exist. */
export async function modelVersion(t: TestEmulator, home: ModelHome, name: string, version: string): Promise<ModelVersionJson | undefined> {
  const r = await arm<ModelVersionJson>(t, 'GET', `${modelsPath(t, home)}/${name}/versions/${version}`);
  if (r.status === 404) return undefined;
  if (r.status !== 200) throw new Error(`GET ${home} ${name}:${version}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

/** Versions of `name` in `home` carrying the tag `alias.<alias>`. */
export async function aliasHolders(t: TestEmulator, home: ModelHome, name: string, alias = 'champion'): Promise<string[]> {
  const r = await arm<{ value: ModelVersionJson[] }>(t, 'GET', `${modelsPath(t, home)}/${name}/versions`);
  if (r.status !== 200 && r.status !== 404) throw new Error(`GET ${home} ${name} versions: ${r.status} ${JSON.stringify(r.json)}`);
  const versions = r.status === 200 ? r.json.value : [];
  return versions.filter((v) => v.properties.tags?.[`alias.${alias}`]).map((v) => String(v.name)).sort();
}

/** Files under a registry blob folder URL, read with the registry storage account's key. */
export async function registryFiles(t: TestEmulator, modelUri: string): Promise<Record<string, string>> {
  const world = (await t.control.world()).arm as ArmWorld;
  const reg = world.registries.find((r) => r.name === t.env.AML_REGISTRY_NAME)!;
  const account = world.storageAccounts.find((a) => a.name === reg.storageAccount)!;
  const prefix = `https://127.0.0.1:${world.azurite.frontPort}/${account.name}/${reg.container}/`;
  if (!modelUri.startsWith(prefix)) throw new Error(`${modelUri} is not in the registry's storage (${prefix})`);
  const folder = modelUri.slice(prefix.length).replace(/\/?$/, '/');
  const container = new BlobServiceClient(`https://127.0.0.1:${world.azurite.port}/${account.name}`, new StorageSharedKeyCredential(account.name, account.key)).getContainerClient(reg.container);
  const out: Record<string, string> = {};
  for await (const b of container.listBlobsFlat({ prefix: folder })) out[b.name.slice(folder.length)] = (await container.getBlockBlobClient(b.name).downloadToBuffer()).toString();
  return out;
}

/** What `fn` returns, and the journal entries the emulator recorded while it ran. */
export async function during<T>(t: TestEmulator, fn: () => Promise<T>): Promise<{ result: T; journal: JournalEntry[] }> {
  const since = await t.control.lastSeq();
  const result = await fn();
  return { result, journal: await t.control.journal(since) };
}

/**
 * PUTs to versions of `name` in `journal` (only under `within`, a path fragment such as `/registries/<name>`, when
 * given): which version, and whether the body carries the champion alias tag.
 */
export function versionPuts(journal: JournalEntry[], name: string, within = '') {
  return journal
    .filter((e) => e.method === 'PUT' && e.path.includes(`${within}/models/${name}/versions/`))
    .map((e) => ({
      version: e.path.slice(e.path.lastIndexOf('/') + 1),
      alias: (e.requestBody as { properties?: { tags?: Record<string, string> } } | undefined)?.properties?.tags?.['alias.champion'] !== undefined,
    }));
}
