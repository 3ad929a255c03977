/**
 * Seeding a data asset in local mode (`PUT /_emulator/data/{sub}/{rg}/{ws}/{name}/{version}` with
 * `{text, path?, dataType?}`): the text is written to the workspace's default blob store (`path`, default
 * `LocalUpload/<name>/<version>/<name>.csv`) and the data version is registered through the same handler an ARM PUT
 * reaches (its checks and its stored shape), as the emulator itself. For the demo and for trying monitors with
 * your own baseline before any pipeline has registered one.
 */
import type { JsonStore } from './state/json-store';
import type { ArmState } from './state/model';
import type { Reply } from './http';
import { isObject, json } from './http';
import { getResource } from './arm/resource-helpers';
import { resolveModelUri } from './arm/blob-location';
import { storageEndpoint } from './arm/datastores';
import { putBlob } from './blob-admin';
import { dataVersionHandlers } from './arm/data-components';
import { ML_PROVIDER } from './arm/target';

export interface DataSeedDeps {
  store: JsonStore<ArmState>;
  ca: string;
  baseUrl: string;
}

const ROUTE = /^\/_emulator\/data\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)$/;
const NAME = /^[A-Za-z0-9_][\w.-]{0,254}$/;
const VERSION = /^[\w.-]{1,64}$/;
const PATH = /^(?!.*\.\.)[\w./-]{1,512}$/;
const bad = (message: string): Reply => json(400, { error: { code: 'BadRequest', message } });

export async function handleDataSeed(deps: DataSeedDeps, method: string, url: URL, body?: Buffer): Promise<Reply | undefined> {
  const m = ROUTE.exec(url.pathname.replace(/\/+$/, ''));
  if (!m) return undefined;
  if (method !== 'PUT') return json(405, { error: { code: 'MethodNotAllowed', message: 'PUT seeds a data asset.' } });
  const [, sub, rg, ws, name, version] = m.map((x) => decodeURIComponent(x ?? '')) as [string, string, string, string, string, string];
  if (!NAME.test(name) || !VERSION.test(version)) return bad('The data asset name or version is not valid.');
  let req: unknown;
  try {
    req = JSON.parse(body?.toString('utf8') || '{}');
  } catch {
    return bad('invalid JSON');
  }
  if (!isObject(req) || typeof req.text !== 'string') return bad("'text' (the file's content) is required.");
  const path = typeof req.path === 'string' ? req.path : `LocalUpload/${name}/${version}/${name}.csv`;
  if (!PATH.test(path)) return bad("'path' must be a relative blob path.");
  const dataType = typeof req.dataType === 'string' ? req.dataType : 'uri_file';
  const wsId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/${ML_PROVIDER}/workspaces/${ws}`;
  const state = deps.store.read();
  const workspace = getResource(state, wsId);
  if (!workspace) return json(404, { error: { code: 'NotFound', message: `Workspace ${ws} does not exist.` } });
  const dataUri = `azureml://datastores/workspaceblobstore/paths/${path}`;
  const loc = resolveModelUri(state, dataUri, workspace.id);
  if (typeof loc === 'string') return bad(loc);
  const account = state.storageAccounts[loc.account];
  if (!account || !state.azurite) return json(503, { error: { code: 'ServiceUnavailable', message: 'blob storage is not running' } });
  await putBlob({ hostPort: storageEndpoint(state), ca: deps.ca }, account, loc.container, loc.path.replace(/^\/+/, ''), { data: Buffer.from(req.text, 'utf8'), contentType: 'text/plain', metadata: {} });
  const id = `${workspace.id}/data/${name}/versions/${version}`;
  const reply = await deps.store.update((s) =>
    dataVersionHandlers.put!({
      method: 'PUT',
      url,
      baseUrl: deps.baseUrl,
      body: { properties: { dataType, dataUri, isAnonymous: false } },
      apiVersion: '2024-10-01',
      now: Date.now(),
      principal: { principalId: 'aml-lifecycle-emulator', appId: 'aml-lifecycle-emulator', tenantId: '', audience: '', claims: {} },
      subscriptionId: sub,
      resourceGroup: rg,
      type: `${ML_PROVIDER}/workspaces/data/versions`,
      names: [ws, name, version],
      id,
      parentId: `${workspace.id}/data/${name}`,
      workspace: getResource(s, workspace.id),
      state: s,
    }),
  );
  return reply;
}
