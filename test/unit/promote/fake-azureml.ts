/**
 * A small stateful Azure ML over a ScriptedServer for promotion tests: one workspace with model versions, registries
 * (one per subscription may be forbidden), registry model versions written through the asset-store LRO (202 +
 * Location), workspace `publish` and the discovery + import data plane, both of which copy a version into the
 * registry with a modelUri in the registry's own storage. Knobs make publish unavailable, fail the copy, or produce
 * a "copy" that still points at the workspace.
 */
import { randomUUID } from 'node:crypto';
import type { ModelVersion, Registry, Workspace } from '../../../shared/src/azureml/resources';
import type { Answer, Recorded, Reply, ScriptedServer } from '../azureml/scripted-server';

export const SUB = '00000000-0000-0000-0000-000000000001';
export const REG_SUB = '00000000-0000-0000-0000-0000000000aa';
export const DENIED_SUB = '00000000-0000-0000-0000-0000000000dd';
export const WS_GUID = '5b1c3e8a-1111-4c2d-9e0f-123456789abc';
const PROVIDER = 'providers/Microsoft.MachineLearningServices';
export const WS_ID = `/subscriptions/${SUB}/resourceGroups/rg/${PROVIDER}/workspaces/ws`;

type Json = Record<string, unknown>;

export interface FakeOptions {
  publishUnavailable?: boolean;
  /** Error code the copy operation ends Failed with */
  copyFailsWith?: string;
  /** The "copy" keeps the workspace modelUri */
  copyKeepsWorkspaceUri?: boolean;
  /** Registry version PUTs succeed but drop tag changes */
  dropTagWrites?: boolean;
  /** Answers given to operation polls before the real ones (503s, dropped connections) */
  pollFaults?: Answer[];
  /** startPendingUpload answer (tests with real storage set it) */
  pendingUpload?: (registry: string, name: string, version: string, body: Json) => Json;
}

const armError = (status: number, code: string, message: string): Reply => ({ status, headers: { 'x-ms-failure-cause': 'gateway' }, body: { error: { code, message } } });

export class FakeAzureMl {
  readonly workspaceVersions = new Map<string, ModelVersion>();
  readonly registryVersions = new Map<string, ModelVersion>();
  readonly registries = new Map<string, Registry>();
  readonly operations = new Map<string, { polls: number; finish: () => Reply }>();
  options: FakeOptions = {};
  private clock = Date.parse('2026-01-01T00:00:00Z');

  constructor(readonly server: ScriptedServer) {}

  get workspace(): Workspace {
    return {
      id: WS_ID,
      name: 'ws',
      type: 'Microsoft.MachineLearningServices/workspaces',
      location: 'westeurope',
      properties: { workspaceId: WS_GUID, storageAccount: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/wsstore` },
    };
  }

  addRegistry(sub: string, rg: string, name: string, opts: { discoveryUrl?: string | null } = {}): void {
    this.registries.set(`${sub}/${rg}/${name}`.toLowerCase(), {
      id: `/subscriptions/${sub}/resourceGroups/${rg}/${PROVIDER}/registries/${name}`,
      name,
      type: 'Microsoft.MachineLearningServices/registries',
      location: 'westeurope',
      properties: opts.discoveryUrl === null ? {} : { discoveryUrl: opts.discoveryUrl ?? `${this.server.base}/registrymanagement/v1.0/registries/${name}/discovery` },
    });
  }

  addWorkspaceVersion(name: string, version: string, props: Json = {}): ModelVersion {
    const v = this.version(`${WS_ID}/models/${name}/versions/${version}`, version, {
      modelType: 'custom_model',
      modelUri: `azureml://subscriptions/${SUB}/resourcegroups/rg/workspaces/ws/datastores/workspaceblobstore/paths/LocalUpload/abc/${name}`,
      tags: {},
      properties: {},
      ...props,
    });
    this.workspaceVersions.set(`${name}:${version}`, v);
    return v;
  }

  addRegistryVersion(sub: string, rg: string, registry: string, name: string, version: string, props: Json = {}): ModelVersion {
    const v = this.version(`/subscriptions/${sub}/resourceGroups/${rg}/${PROVIDER}/registries/${registry}/models/${name}/versions/${version}`, version, {
      modelType: 'custom_model',
      modelUri: `https://regstore.blob.core.windows.net/${registry}/${name}/${version}`,
      tags: {},
      properties: {},
      provisioningState: 'Succeeded',
      ...props,
    });
    this.registryVersions.set(this.regKey(sub, rg, registry, name, version), v);
    return v;
  }

  registryVersion(sub: string, rg: string, registry: string, name: string, version: string): ModelVersion | undefined {
    return this.registryVersions.get(this.regKey(sub, rg, registry, name, version));
  }

  /** Requests that wrote something (PUT/POST), as "METHOD path". */
  writes(): string[] {
    return this.server.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
  }

  install(): this {
    const s = this.server;
    const seg = '([^/]+)';
    const reg = new RegExp(`^/subscriptions/${seg}/resourceGroups/${seg}/${PROVIDER}/registries/${seg}$`, 'i');
    const regVersions = new RegExp(`^/subscriptions/${seg}/resourceGroups/${seg}/${PROVIDER}/registries/${seg}/models/${seg}/versions$`, 'i');
    const regVersion = new RegExp(`^/subscriptions/${seg}/resourceGroups/${seg}/${PROVIDER}/registries/${seg}/models/${seg}/versions/${seg}$`, 'i');
    const pending = new RegExp(`^/subscriptions/${seg}/resourceGroups/${seg}/${PROVIDER}/registries/${seg}/models/${seg}/versions/${seg}/startPendingUpload$`, 'i');
    const regContainer = new RegExp(`^/subscriptions/${seg}/resourceGroups/${seg}/${PROVIDER}/registries/${seg}/models/${seg}$`, 'i');
    const wsVersions = new RegExp(`^${WS_ID}/models/${seg}/versions$`, 'i');
    const wsVersion = new RegExp(`^${WS_ID}/models/${seg}/versions/${seg}$`, 'i');
    const publish = new RegExp(`^${WS_ID}/models/${seg}/versions/${seg}/publish$`, 'i');
    const discovery = /^\/registrymanagement\/v1\.0\/registries\/([^/]+)\/discovery$/;
    const importPath = new RegExp(`^/mferp/managementfrontend/subscriptions/${seg}/resourceGroups/${seg}/${PROVIDER}/registries/${seg}/import$`, 'i');
    const op = /^\/assetstore\/v1\.0\/operations\/([^/]+)$/;

    s.on('GET', new RegExp(`^${WS_ID}$`, 'i'), () => ({ status: 200, body: this.workspace }));
    s.on('GET', wsVersions, (r) => ({ status: 200, body: { value: this.list([...this.workspaceVersions.entries()].filter(([k]) => k.startsWith(`${m(wsVersions, r)[1]}:`)).map(([, v]) => v)) } }));
    s.on('GET', wsVersion, (r) => {
      const [, name, version] = m(wsVersion, r);
      const v = this.workspaceVersions.get(`${name}:${version}`);
      return v ? { status: 200, body: v } : armError(404, 'UserError', `Model container with name: ${name} not found.`);
    });
    s.on('PUT', wsVersion, (r) => {
      const [, name, version] = m(wsVersion, r);
      const existing = this.workspaceVersions.get(`${name}:${version}`);
      const v = this.version(`${WS_ID}/models/${name}/versions/${version}`, version, (r.json as { properties: Json }).properties, existing);
      this.workspaceVersions.set(`${name}:${version}`, v);
      return { status: existing ? 200 : 201, body: v };
    });

    s.on('GET', reg, (r) => {
      const [, sub, rg, name] = m(reg, r);
      const denied = this.denied(sub!, r);
      if (denied) return denied;
      const found = this.registries.get(`${sub}/${rg}/${name}`.toLowerCase());
      return found
        ? { status: 200, body: found }
        : armError(404, 'ResourceNotFound', `The Resource '${PROVIDER.split('/')[1]}/registries/${name}' under resource group '${rg}' was not found.`);
    });
    s.on('GET', regContainer, () => armError(404, 'UserError', 'not found'));
    s.on('GET', regVersions, (r) => {
      const [, sub, rg, registry, name] = m(regVersions, r);
      const prefix = `${sub}/${rg}/${registry}/${name}:`.toLowerCase();
      const all = [...this.registryVersions.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
      // Two pages, to exercise nextLink.
      if (r.query.get('page') === '2') return { status: 200, body: { value: this.list(all).slice(1) } };
      return { status: 200, body: { value: this.list(all).slice(0, 1), nextLink: all.length > 1 ? `${s.base}${r.path}?api-version=x&page=2` : null } };
    });
    s.on('GET', regVersion, (r) => {
      const [, sub, rg, registry, name, version] = m(regVersion, r);
      const denied = this.denied(sub!, r);
      if (denied) return denied;
      const v = this.registryVersion(sub!, rg!, registry!, name!, version!);
      return v ? { status: 200, body: v } : armError(404, 'UserError', `Model ${name}:${version} not found`);
    });
    s.on('PUT', regVersion, (r) => {
      const [, sub, rg, registry, name, version] = m(regVersion, r);
      const body = (r.json as { properties: Json }).properties;
      const existing = this.registryVersion(sub!, rg!, registry!, name!, version!);
      if (existing && existing.properties.modelUri !== body.modelUri) {
        return armError(409, 'UserError', `Cannot change modelUri of existing model version ${name}:${version}; versions are immutable.`);
      }
      return this.accepted(() => {
        const props = this.options.dropTagWrites && existing ? { ...body, tags: existing.properties.tags } : body;
        const v = this.version(existing?.id ?? `/subscriptions/${sub}/resourceGroups/${rg}/${PROVIDER}/registries/${registry}/models/${name}/versions/${version}`, version!, { ...props, provisioningState: 'Succeeded' }, existing);
        this.registryVersions.set(this.regKey(sub!, rg!, registry!, name!, version!), v);
        return { status: 200, body: { assetId: `azureml://registries/${registry}/models/${name}/versions/${version}` } };
      });
    });
    s.on('POST', pending, (r) => {
      const [, , , registry, name, version] = m(pending, r);
      if (!this.options.pendingUpload) return armError(500, 'NotScripted', 'no pending upload in this test');
      return { status: 200, body: this.options.pendingUpload(registry!, name!, version!, r.json as Json) };
    });

    s.on('POST', publish, (r) => {
      if (this.options.publishUnavailable) {
        return armError(400, 'NoRegisteredProviderFound', "No registered resource provider found for location 'westeurope' and API version '2025-12-01' for type 'workspaces/models/versions/publish'.");
      }
      const [, name, version] = m(publish, r);
      const body = r.json as { registryName: string; destinationName?: string; destinationVersion?: string };
      const found = [...this.registries.values()].find((x) => x.name === body.registryName);
      if (!found) return armError(404, 'UserError', `Registry ${body.registryName} not found`);
      const [, sub, rg] = /\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(found.id)!;
      return this.accepted(() => this.copy(name!, version!, sub!, rg!, found.name, body.destinationName ?? name!, body.destinationVersion ?? version!));
    });
    s.on('GET', discovery, (r) => {
      const name = m(discovery, r)[1]!;
      const found = [...this.registries.values()].find((x) => x.name === name);
      if (!found) return armError(404, 'RegistryNotFound', `Registry ${name} not found`);
      const [, sub, rg] = /\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(found.id)!;
      return { status: 200, body: { registryName: name, primaryRegionResourceProviderUri: `${s.base}/`, subscriptionId: sub, resourceGroup: rg, primaryRegion: 'westeurope' } };
    });
    s.on('POST', importPath, (r) => {
      const [, sub, rg, registry] = m(importPath, r);
      const p = (r.json as { properties: { referenceType: string; sourceAssetId: string; destinationName: string; destinationVersion: string } }).properties;
      const src = /^azureml:\/\/locations\/westeurope\/workspaces\/([^/]+)\/models\/([^/]+)\/versions\/([^/]+)$/.exec(p.sourceAssetId);
      if (p.referenceType !== 'Id' || !src || src[1] !== WS_GUID) return armError(400, 'UserError', `bad import request ${JSON.stringify(p)}`);
      return this.accepted(() => this.copy(src[2]!, src[3]!, sub!, rg!, registry!, p.destinationName, p.destinationVersion));
    });
    s.on('GET', op, (r) => {
      const fault = this.options.pollFaults?.shift();
      if (fault) return fault;
      const o = this.operations.get(m(op, r)[1]!);
      if (!o) return armError(404, 'NotFound', 'no such operation');
      o.polls += 1;
      return o.polls < 2 ? { status: 202, body: '' } : o.finish();
    });
    return this;
  }

  private copy(name: string, version: string, sub: string, rg: string, registry: string, destName: string, destVersion: string): Reply {
    if (this.options.copyFailsWith) {
      return { status: 200, body: { status: 'Failed', error: { code: this.options.copyFailsWith, message: 'The copy of the model blobs failed.' } } };
    }
    const src = this.workspaceVersions.get(`${name}:${version}`)!;
    const { provisioningState: _s, ...props } = src.properties;
    const modelUri = this.options.copyKeepsWorkspaceUri ? src.properties.modelUri : `https://regstore.blob.core.windows.net/${registry}/${randomUUID()}/${destName}`;
    this.addRegistryVersion(sub, rg, registry, destName, destVersion, { ...props, modelUri });
    return { status: 200, body: { assetId: `azureml://registries/${registry}/models/${destName}/versions/${destVersion}` } };
  }

  private accepted(finish: () => Reply): Reply {
    const id = randomUUID();
    this.operations.set(id, { polls: 0, finish });
    return { status: 202, headers: { Location: `${this.server.base}/assetstore/v1.0/operations/${id}?sig=opaque` }, body: 'null' };
  }

  private denied(sub: string, r: Recorded): Reply | undefined {
    if (sub.toLowerCase() !== DENIED_SUB) return undefined;
    return armError(
      403,
      'AuthorizationFailed',
      `The client 'app-without-access' with object id '7f0c0000-0000-0000-0000-000000000007' does not have authorization to perform action 'Microsoft.MachineLearningServices/registries/read' over scope '${r.path}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }

  private regKey(sub: string, rg: string, registry: string, name: string, version: string): string {
    return `${sub}/${rg}/${registry}/${name}:${version}`.toLowerCase();
  }

  private version(id: string, version: string, props: Json, existing?: ModelVersion): ModelVersion {
    this.clock += 60_000;
    return {
      id,
      name: version,
      type: 'Microsoft.MachineLearningServices/models/versions',
      systemData: existing?.systemData ?? { createdAt: new Date(this.clock).toISOString() },
      properties: props as ModelVersion['properties'],
    };
  }

  private list(versions: ModelVersion[]): ModelVersion[] {
    return [...versions];
  }
}

function m(re: RegExp, r: Recorded): string[] {
  return (re.exec(r.path) ?? []).map((x) => decodeURIComponent(x));
}
