/**
 * The Azure ML client the steps use. Operations @azure/arm-machinelearning (2022-10-01) covers go through it;
 * the rest, and writes carrying fields its mappers would drop, go as raw requests at `apiVersion` through the
 * same pipeline. Every resource is returned as the JSON the service sent, nothing dropped.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { FullOperationResponse, OperationOptions } from '@azure/core-client';
import type { ModelVersion as SdkModelVersion } from '@azure/arm-machinelearning';
import { StepError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { CloudEndpoints } from '../auth/clouds';
import { checkApiVersion, DEFAULT_API_VERSION } from './api-version';
import { classifyResponse, isParentMissing, toStepError, type FailureContext } from './errors';
import { pollLro, pollDelayMs, type FinalStateVia, type LroResult } from './lro';
import { childPath, refs, registryPath, workspacePath } from './refs';
import type {
  Datastore,
  DatastoreSecrets,
  DestinationAsset,
  ModelContainer,
  ModelVersion,
  ModelVersionProperties,
  OnlineEndpoint,
  OnlineEndpointProperties,
  PendingUploadRequest,
  PendingUploadResponse,
  Registry,
  Schedule,
  ScheduleProperties,
  Workspace,
} from './resources';
import { DEFAULT_RETRY_OPTIONS, retriesOf, type RetryOptions } from './retry';
import { createSdkClient, SDK_API_VERSION, type SdkClient } from './sdk-client';
import { parseServiceError } from './service-error';
import { ArmTransport, parseJson, type HttpMethod } from './transport';
import { droppedPaths } from './wire-fields';

export { DEFAULT_API_VERSION } from './api-version';

export interface AzureMlClientOptions {
  credential: TokenCredential;
  cloud: CloudEndpoints;
  subscriptionId: string;
  logger: Logger;
  /** Aborts every request and poll (job cancellation). */
  signal?: AbortSignal;
  /** api-version for operations beyond the SDK; default DEFAULT_API_VERSION */
  apiVersion?: string;
  /** Budget of one operation, including retries and polling; default 30 min */
  timeoutMs?: number;
  userAgent?: string;
  /** Receives secrets the client obtains (datastore keys, SAS URIs) for masking. */
  onSecret?: (value: string) => void;
  retry?: Partial<RetryOptions>;
  /** Delay before LRO poll n when the service sends no Retry-After; default pollDelayMs */
  pollSchedule?: (poll: number) => number;
  /** Cadence of LRO progress lines; default 15 s */
  progressIntervalMs?: number;
  /** Per HTTP request; default 120 s */
  requestTimeoutMs?: number;
}

/** What to write; `properties` may carry fields newer than these types, and they reach the wire. */
export interface ModelVersionBody {
  properties: Partial<ModelVersionProperties>;
}
export interface OnlineEndpointBody {
  location: string;
  properties: Partial<OnlineEndpointProperties> & { authMode: string };
  identity?: OnlineEndpoint['identity'];
  tags?: Record<string, string>;
  kind?: string;
  sku?: OnlineEndpoint['sku'];
}
export interface ScheduleBody {
  properties: Partial<ScheduleProperties> & Pick<ScheduleProperties, 'action' | 'trigger'>;
}

export interface WriteResult<T> {
  resource: T;
  /** HTTP status of the write: 201 created, 200 updated */
  status: number;
  /** api-version the write was sent with */
  apiVersion: string;
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
const MAX_PAGES = 100;
/** Path of the management front end under a discovered primaryRegionResourceProviderUri (azure-ai-ml MFE_PATH_PREFIX) */
const MFE_PATH_PREFIX = 'mferp/managementfrontend';
/** The api-version of the registry import data plane */
export const DATA_PLANE_API_VERSION = '2021-10-01-dataplanepreview';

/** Answer of GET …/registrymanagement/v1.0/registries/{name}/discovery (the fields used; others are kept). */
export interface RegistryDiscovery {
  registryName?: string;
  primaryRegionResourceProviderUri: string;
  subscriptionId: string;
  resourceGroup: string;
  [key: string]: unknown;
}

/** What to import: an `azureml://locations/<loc>/workspaces/<guid>/models/<n>/versions/<v>` asset, and where to. */
export interface RegistryImportRequest {
  sourceAssetId: string;
  destinationName: string;
  destinationVersion: string;
}

function requireHttps(url: string, operation: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StepError('service', `${operation}: '${url}' is not a URL`);
  }
  if (parsed.protocol !== 'https:') throw new StepError('service', `${operation}: refusing to send a token to non-https '${url}'`);
}

export class AzureMlClient {
  readonly apiVersion: string;
  readonly timeoutMs: number;
  private readonly sdk: SdkClient;
  private readonly transport: ArmTransport;
  /** The subscription every ARM path of this client is in */
  readonly subscriptionId: string;
  readonly cloud: CloudEndpoints;
  private readonly options: AzureMlClientOptions;
  private readonly logger: Logger;
  private readonly signal?: AbortSignal;
  private readonly onSecret?: (value: string) => void;
  private readonly pollSchedule: (poll: number) => number;
  private readonly progressIntervalMs?: number;

  constructor(opts: AzureMlClientOptions) {
    this.apiVersion = checkApiVersion(opts.apiVersion?.trim() || DEFAULT_API_VERSION);
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.options = opts;
    this.cloud = opts.cloud;
    this.logger = opts.logger;
    this.signal = opts.signal;
    this.subscriptionId = opts.subscriptionId;
    this.onSecret = opts.onSecret;
    this.pollSchedule = opts.pollSchedule ?? pollDelayMs;
    this.progressIntervalMs = opts.progressIntervalMs;
    const retry: RetryOptions = {
      ...DEFAULT_RETRY_OPTIONS,
      conflictWindowMs: Math.min(DEFAULT_RETRY_OPTIONS.conflictWindowMs, this.timeoutMs),
      maxElapsedMs: this.timeoutMs,
      ...(opts.requestTimeoutMs ? { attemptTimeoutMs: opts.requestTimeoutMs } : {}),
      ...opts.retry,
    };
    this.sdk = createSdkClient({
      credential: opts.credential,
      cloud: opts.cloud,
      subscriptionId: opts.subscriptionId,
      logger: opts.logger,
      retry,
      userAgent: opts.userAgent,
    });
    this.transport = new ArmTransport(this.sdk.sdk, opts.cloud.resourceManager, opts.signal);
  }

  /**
   * A client for another subscription (e.g. a registry's), with the same credential (and so its token cache),
   * cloud, options and cancellation. The SDK binds a subscription per client, so this builds a new pipeline.
   */
  forSubscription(subscriptionId: string): AzureMlClient {
    if (subscriptionId.toLowerCase() === this.subscriptionId.toLowerCase()) return this;
    return new AzureMlClient({ ...this.options, subscriptionId });
  }

  // ---- workspaces and datastores (SDK) ----

  async getWorkspace(rg: string, ws: string): Promise<Workspace> {
    const ctx = { operation: `get workspace '${ws}'`, ref: refs.workspace(rg, ws) };
    return (await this.sdkCall(ctx, (o) => this.sdk.sdk.workspaces.get(rg, ws, o))).body as Workspace;
  }

  async listDatastores(rg: string, ws: string, opts: { isDefault?: boolean } = {}): Promise<Datastore[]> {
    const ctx = { operation: `list datastores of workspace '${ws}'`, ref: refs.workspace(rg, ws) };
    return this.sdkList<Datastore>(ctx, (o) =>
      this.sdk.sdk.datastores.list(rg, ws, { ...o, ...(opts.isDefault !== undefined ? { isDefault: opts.isDefault } : {}) }),
    );
  }

  async getDatastore(rg: string, ws: string, name: string): Promise<Datastore> {
    const ctx = { operation: `get datastore '${name}'`, ref: refs.inWorkspace('datastore', name, rg, ws) };
    return (await this.sdkCall(ctx, (o) => this.sdk.sdk.datastores.get(rg, ws, name, o))).body as Datastore;
  }

  /** The datastore, or undefined when the workspace has none of that name (a missing workspace still fails). */
  async findDatastore(rg: string, ws: string, name: string): Promise<Datastore | undefined> {
    const ctx = { operation: `get datastore '${name}'`, ref: refs.inWorkspace('datastore', name, rg, ws) };
    const res = await this.sdkCall(ctx, (o) => this.sdk.sdk.datastores.get(rg, ws, name, o), { absentOn404: true });
    return res.body as Datastore | undefined;
  }

  async getDefaultDatastore(rg: string, ws: string): Promise<Datastore> {
    // Filter on our side too: the flag is what the service reports, whatever the query did.
    const chosen = (await this.listDatastores(rg, ws, { isDefault: true })).find((d) => d.properties?.isDefault === true);
    if (!chosen) {
      throw new StepError('not-found', `workspace '${ws}' (resource group '${rg}') has no default datastore`, {
        hint: "name a datastore explicitly, or set one as default in the workspace",
      });
    }
    return chosen;
  }

  /** The datastore's credentials; every secret value goes to `onSecret` before this returns. */
  async getDatastoreSecrets(
    rg: string,
    ws: string,
    name: string,
    onSecret: ((value: string) => void) | undefined = this.onSecret,
  ): Promise<DatastoreSecrets> {
    const ctx = { operation: `list secrets of datastore '${name}'`, ref: refs.inWorkspace('datastore', name, rg, ws) };
    const { body } = await this.sdkCall(ctx, (o) => this.sdk.sdk.datastores.listSecrets(rg, ws, name, o));
    const secrets = (body ?? {}) as DatastoreSecrets;
    for (const [key, value] of Object.entries(secrets)) {
      if (key !== 'secretsType' && typeof value === 'string' && value) onSecret?.(value);
    }
    return secrets;
  }

  // ---- workspace models (SDK unless its mappers would drop fields) ----

  async getModelContainer(rg: string, ws: string, name: string): Promise<ModelContainer | undefined> {
    const ctx = { operation: `get model '${name}'`, ref: refs.inWorkspace('model', name, rg, ws) };
    const res = await this.sdkCall(ctx, (o) => this.sdk.sdk.modelContainers.get(rg, ws, name, o), { absentOn404: true });
    return res.body as ModelContainer | undefined;
  }

  async getModelVersion(rg: string, ws: string, name: string, version: string): Promise<ModelVersion | undefined> {
    const ctx = {
      operation: `get model version '${name}:${version}'`,
      ref: refs.inWorkspace('model version', `${name}:${version}`, rg, ws),
    };
    const res = await this.sdkCall(ctx, (o) => this.sdk.sdk.modelVersions.get(rg, ws, name, version, o), {
      absentOn404: true,
    });
    return res.body as ModelVersion | undefined;
  }

  /** Versions of a model, in the service's order (e.g. orderBy 'createdtime desc'); [] when the model does not exist. */
  async listModelVersions(
    rg: string,
    ws: string,
    name: string,
    opts: { orderBy?: string; top?: number; listViewType?: 'ActiveOnly' | 'ArchivedOnly' | 'All' } = {},
  ): Promise<ModelVersion[]> {
    const ctx = { operation: `list versions of model '${name}'`, ref: refs.inWorkspace('model', name, rg, ws) };
    const query = {
      ...(opts.orderBy ? { orderBy: opts.orderBy } : {}),
      ...(opts.top !== undefined ? { top: opts.top } : {}),
      ...(opts.listViewType ? { listViewType: opts.listViewType } : {}),
    };
    const items = await this.sdkList<ModelVersion>(
      ctx,
      (o) => this.sdk.sdk.modelVersions.list(rg, ws, name, { ...o, ...query }),
      { absentOn404: true, limit: opts.top },
    );
    return opts.top !== undefined ? items.slice(0, opts.top) : items;
  }

  /**
   * Create or update a workspace model version (synchronous in the service). Sent through the SDK when its
   * 2022-10-01 serializer keeps every field of `body`, else raw at `apiVersion` so nothing is dropped.
   */
  async createOrUpdateModelVersion(
    rg: string,
    ws: string,
    name: string,
    version: string,
    body: ModelVersionBody,
  ): Promise<WriteResult<ModelVersion>> {
    const ctx = {
      operation: `write model version '${name}:${version}'`,
      ref: refs.inWorkspace('model version', `${name}:${version}`, rg, ws),
    };
    const dropped = await this.fieldsSdkWouldDrop(body, (o) =>
      this.sdk.sdk.modelVersions.createOrUpdate(rg, ws, name, version, body as unknown as SdkModelVersion, o),
    );
    if (dropped.length === 0) {
      const res = await this.sdkCall(ctx, (o) =>
        this.sdk.sdk.modelVersions.createOrUpdate(rg, ws, name, version, body as unknown as SdkModelVersion, o),
      );
      return { resource: res.body as ModelVersion, status: res.status, apiVersion: SDK_API_VERSION };
    }
    this.logger.debug(
      `@azure/arm-machinelearning ${SDK_API_VERSION} would drop ${dropped.join(', ')}; sending model version ${name}:${version} with api-version ${this.apiVersion}`,
    );
    const path = childPath(workspacePath(this.subscriptionId, rg, ws), 'models', name, 'versions', version);
    const result = await this.lro<ModelVersion>('PUT', path, body, ctx);
    if (!result.resource) throw new StepError('service', `${ctx.operation} returned no resource`);
    return { resource: result.resource, status: result.initialStatus, apiVersion: this.apiVersion };
  }

  /** Copy a workspace model version into a registry (ModelVersions_Publish, LRO via Location). */
  async publishModelVersion(
    rg: string,
    ws: string,
    name: string,
    version: string,
    destination: DestinationAsset,
  ): Promise<LroResult<unknown>> {
    const ctx = {
      operation: `publish model version '${name}:${version}' to registry '${destination.registryName ?? '?'}'`,
      ref: refs.inWorkspace('model version', `${name}:${version}`, rg, ws),
    };
    const path = childPath(workspacePath(this.subscriptionId, rg, ws), 'models', name, 'versions', version, 'publish');
    return this.lro('POST', path, destination, ctx, 'location');
  }

  // ---- registries ----

  async getRegistry(rg: string, registry: string): Promise<Registry | undefined> {
    const ctx = { operation: `get registry '${registry}'`, ref: refs.registry(rg, registry) };
    return this.rawGet<Registry>(registryPath(this.subscriptionId, rg, registry), ctx);
  }

  async getRegistryModelContainer(rg: string, registry: string, name: string): Promise<ModelContainer | undefined> {
    const ctx = { operation: `get registry model '${name}'`, ref: refs.inRegistry('model', name, rg, registry) };
    return this.rawGet<ModelContainer>(childPath(registryPath(this.subscriptionId, rg, registry), 'models', name), ctx);
  }

  async getRegistryModelVersion(
    rg: string,
    registry: string,
    name: string,
    version: string,
  ): Promise<ModelVersion | undefined> {
    const ctx = {
      operation: `get registry model version '${name}:${version}'`,
      ref: refs.inRegistry('model version', `${name}:${version}`, rg, registry),
    };
    const path = childPath(registryPath(this.subscriptionId, rg, registry), 'models', name, 'versions', version);
    return this.rawGet<ModelVersion>(path, ctx);
  }

  /** Registry model version PUT is an LRO (202 + Location to the asset store, then GET the version). */
  async createOrUpdateRegistryModelVersion(
    rg: string,
    registry: string,
    name: string,
    version: string,
    body: ModelVersionBody,
  ): Promise<LroResult<ModelVersion>> {
    const ctx = {
      operation: `write registry model version '${name}:${version}'`,
      ref: refs.inRegistry('model version', `${name}:${version}`, rg, registry),
    };
    const path = childPath(registryPath(this.subscriptionId, rg, registry), 'models', name, 'versions', version);
    return this.lro<ModelVersion>('PUT', path, body, ctx, 'original-uri');
  }

  /** Versions of a registry model, following nextLink; [] when the model does not exist. */
  async listRegistryModelVersions(
    rg: string,
    registry: string,
    name: string,
    opts: { orderBy?: string; top?: number; listViewType?: 'ActiveOnly' | 'ArchivedOnly' | 'All' } = {},
  ): Promise<ModelVersion[]> {
    const ctx = { operation: `list versions of registry model '${name}'`, ref: refs.inRegistry('model', name, rg, registry) };
    const path = childPath(registryPath(this.subscriptionId, rg, registry), 'models', name, 'versions');
    const url = this.transport.url(path, this.apiVersion, {
      $orderBy: opts.orderBy,
      $top: opts.top,
      listViewType: opts.listViewType,
    });
    return this.rawList<ModelVersion>(url, ctx, opts.top);
  }

  /**
   * Registry discovery (the data-plane step `az ml model share` starts with): where the registry's
   * management front end lives and which subscription/resource group hold it. Sent with the ARM token.
   */
  async discoverRegistry(registry: string, discoveryUrl: string): Promise<RegistryDiscovery> {
    const ctx = { operation: `discover registry '${registry}'`, ref: { kind: 'registry', name: registry, scope: discoveryUrl } };
    requireHttps(discoveryUrl, ctx.operation);
    const res = await this.transport.expect({ method: 'GET', url: discoveryUrl, deadline: this.deadline() }, ctx);
    const body = (res.body ?? {}) as RegistryDiscovery;
    for (const field of ['primaryRegionResourceProviderUri', 'subscriptionId', 'resourceGroup'] as const) {
      if (typeof body[field] !== 'string' || !body[field]) {
        throw new StepError('service', `${ctx.operation}: the discovery answer has no ${field}`);
      }
    }
    requireHttps(body.primaryRegionResourceProviderUri, ctx.operation);
    return body;
  }

  /**
   * Deep-copy an asset into a registry through its management front end (data plane, api-version
   * 2021-10-01-dataplanepreview): POST …/registries/{r}/import, an LRO finished through Location.
   */
  async importIntoRegistry(discovery: RegistryDiscovery, registry: string, request: RegistryImportRequest): Promise<LroResult<unknown>> {
    const ctx = {
      operation: `import ${request.sourceAssetId} into registry '${registry}'`,
      ref: refs.inRegistry('model version', `${request.destinationName}:${request.destinationVersion}`, discovery.resourceGroup, registry),
    };
    const base = discovery.primaryRegionResourceProviderUri.replace(/\/+$/, '');
    const path = `${registryPath(discovery.subscriptionId, discovery.resourceGroup, registry)}/import`;
    const url = `${base}/${MFE_PATH_PREFIX}${path}?api-version=${DATA_PLANE_API_VERSION}`;
    const body = { properties: { referenceType: 'Id', ...request } };
    return this.lroAt('POST', url, body, ctx, 'location');
  }

  /** A SAS-authorised blob location to upload a registry model's files to; the SAS URI goes to onSecret. */
  async startPendingUpload(
    rg: string,
    registry: string,
    name: string,
    version: string,
    request: PendingUploadRequest = { pendingUploadType: 'TemporaryBlobReference' },
  ): Promise<PendingUploadResponse> {
    const ctx = {
      operation: `start pending upload for registry model '${name}:${version}'`,
      ref: refs.inRegistry('model version', `${name}:${version}`, rg, registry),
    };
    const path = childPath(
      registryPath(this.subscriptionId, rg, registry),
      'models',
      name,
      'versions',
      version,
      'startPendingUpload',
    );
    const res = await this.transport.expect(
      { method: 'POST', url: this.transport.url(path, this.apiVersion), body: request, deadline: this.deadline() },
      ctx,
    );
    const body = (res.body ?? {}) as PendingUploadResponse;
    const sas = body.blobReferenceForConsumption?.credential?.sasUri;
    if (typeof sas === 'string' && sas) this.onSecret?.(sas);
    return body;
  }

  // ---- online endpoints (raw, newer api-version) ----

  async getOnlineEndpoint(rg: string, ws: string, name: string): Promise<OnlineEndpoint | undefined> {
    const ctx = { operation: `get online endpoint '${name}'`, ref: refs.inWorkspace('online endpoint', name, rg, ws) };
    return this.rawGet<OnlineEndpoint>(this.endpointPath(rg, ws, name), ctx);
  }

  async createOrUpdateOnlineEndpoint(
    rg: string,
    ws: string,
    name: string,
    body: OnlineEndpointBody,
  ): Promise<LroResult<OnlineEndpoint>> {
    const ctx = {
      operation: `create or update online endpoint '${name}'`,
      ref: refs.inWorkspace('online endpoint', name, rg, ws),
    };
    return this.lro<OnlineEndpoint>('PUT', this.endpointPath(rg, ws, name), body, ctx, 'original-uri');
  }

  /** Delete an online endpoint; an endpoint that does not exist counts as deleted. */
  async deleteOnlineEndpoint(rg: string, ws: string, name: string): Promise<LroResult<undefined>> {
    const ctx = { operation: `delete online endpoint '${name}'`, ref: refs.inWorkspace('online endpoint', name, rg, ws) };
    return this.lro<undefined>('DELETE', this.endpointPath(rg, ws, name), undefined, ctx);
  }

  // ---- schedules (raw, newer api-version: CreateMonitor) ----

  async getSchedule(rg: string, ws: string, name: string): Promise<Schedule | undefined> {
    const ctx = { operation: `get schedule '${name}'`, ref: refs.inWorkspace('schedule', name, rg, ws) };
    return this.rawGet<Schedule>(this.schedulePath(rg, ws, name), ctx);
  }

  async createOrUpdateSchedule(rg: string, ws: string, name: string, body: ScheduleBody): Promise<LroResult<Schedule>> {
    const ctx = { operation: `create or update schedule '${name}'`, ref: refs.inWorkspace('schedule', name, rg, ws) };
    return this.lro<Schedule>('PUT', this.schedulePath(rg, ws, name), body, ctx, 'original-uri');
  }

  async deleteSchedule(rg: string, ws: string, name: string): Promise<LroResult<undefined>> {
    const ctx = { operation: `delete schedule '${name}'`, ref: refs.inWorkspace('schedule', name, rg, ws) };
    return this.lro<undefined>('DELETE', this.schedulePath(rg, ws, name), undefined, ctx);
  }

  // ---- plumbing ----

  private endpointPath(rg: string, ws: string, name: string): string {
    return childPath(workspacePath(this.subscriptionId, rg, ws), 'onlineEndpoints', name);
  }

  private schedulePath(rg: string, ws: string, name: string): string {
    return childPath(workspacePath(this.subscriptionId, rg, ws), 'schedules', name);
  }

  private deadline(): number {
    return Date.now() + this.timeoutMs;
  }

  private baseOptions(): OperationOptions {
    return { abortSignal: this.signal };
  }

  private async fieldsSdkWouldDrop(
    body: unknown,
    call: (options: OperationOptions) => Promise<unknown>,
  ): Promise<string[]> {
    try {
      const serialized = await this.sdk.serializeOnly(call);
      return droppedPaths(body, serialized);
    } catch (e) {
      // The SDK's serializer rejects what its contract does not allow; the service will judge it instead.
      return [`(the SDK serializer rejected the body: ${(e as Error).message})`];
    }
  }

  /** Run an SDK operation and return the service's raw JSON body (SDK deserialization drops unknown fields). */
  private async sdkCall(
    ctx: FailureContext,
    call: (options: OperationOptions) => Promise<unknown>,
    opts: { absentOn404?: boolean } = {},
  ): Promise<{ status: number; body: unknown }> {
    let raw: FullOperationResponse | undefined;
    const options: OperationOptions = {
      ...this.baseOptions(),
      onResponse: (r) => {
        raw = r;
      },
    };
    try {
      await call(options);
    } catch (e) {
      const response = (e as { response?: FullOperationResponse }).response;
      if (response && response.status >= 200 && response.status < 300) {
        // The SDK could not deserialize a successful body; the raw JSON is what we want anyway.
        return { status: response.status, body: parseJson(response.bodyAsText) };
      }
      if (opts.absentOn404 && response?.status === 404 && !isParentMissing(parseServiceError(response.bodyAsText))) {
        return { status: 404, body: undefined };
      }
      throw toStepError(e, { ...ctx, retries: retriesOf(response ?? e) });
    }
    if (!raw) throw new StepError('service', `${ctx.operation}: no response`);
    return { status: raw.status, body: parseJson(raw.bodyAsText) };
  }

  /** All items of an SDK list operation, from the raw pages. */
  private async sdkList<T>(
    ctx: FailureContext,
    list: (options: OperationOptions) => { byPage(): AsyncIterableIterator<unknown[]> },
    opts: { absentOn404?: boolean; limit?: number } = {},
  ): Promise<T[]> {
    const items: T[] = [];
    const options: OperationOptions = {
      ...this.baseOptions(),
      onResponse: (r) => {
        const page = parseJson(r.bodyAsText) as { value?: T[] } | undefined;
        if (r.status >= 200 && r.status < 300 && Array.isArray(page?.value)) items.push(...page.value);
      },
    };
    try {
      for await (const _page of list(options).byPage()) {
        if (opts.limit !== undefined && items.length >= opts.limit) break;
      }
    } catch (e) {
      const response = (e as { response?: FullOperationResponse }).response;
      if (opts.absentOn404 && response?.status === 404 && !isParentMissing(parseServiceError(response.bodyAsText))) {
        return [];
      }
      if (!(response && response.status >= 200 && response.status < 300)) {
        throw toStepError(e, { ...ctx, retries: retriesOf(response ?? e) });
      }
    }
    return items;
  }

  /** GET at `apiVersion`; undefined when the resource (not its parent) does not exist. */
  private async rawGet<T>(path: string, ctx: FailureContext): Promise<T | undefined> {
    const res = await this.transport.send(
      { method: 'GET', url: this.transport.url(path, this.apiVersion), deadline: this.deadline() },
      ctx,
    );
    if (res.status === 404 && !isParentMissing(parseServiceError(res.text))) return undefined;
    if (res.status >= 200 && res.status < 300) return res.body as T;
    throw classifyResponse(res.status, res.text, { ...ctx, retries: res.retries });
  }

  /** Items of a raw list, following nextLink (used exactly as received) until `limit` items or the end. */
  private async rawList<T>(firstUrl: string, ctx: FailureContext, limit?: number): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = firstUrl;
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const res = await this.transport.send({ method: 'GET', url, deadline: this.deadline() }, ctx);
      if (res.status === 404 && page === 0 && !isParentMissing(parseServiceError(res.text))) return [];
      if (res.status < 200 || res.status >= 300) throw classifyResponse(res.status, res.text, { ...ctx, retries: res.retries });
      const body = res.body as { value?: T[]; nextLink?: string | null } | undefined;
      items.push(...(Array.isArray(body?.value) ? body.value : []));
      if (limit !== undefined && items.length >= limit) return items.slice(0, limit);
      url = typeof body?.nextLink === 'string' && body.nextLink ? body.nextLink : undefined;
    }
    return items;
  }

  /** Start an operation at `apiVersion` and follow it to the end. */
  private async lro<T>(
    method: HttpMethod,
    path: string,
    body: unknown,
    ctx: FailureContext,
    finalStateVia?: FinalStateVia,
  ): Promise<LroResult<T>> {
    return this.lroAt(method, this.transport.url(path, this.apiVersion), body, ctx, finalStateVia);
  }

  /** Start an operation at an absolute URL and follow it to the end. */
  private async lroAt<T>(
    method: HttpMethod,
    url: string,
    body: unknown,
    ctx: FailureContext,
    finalStateVia?: FinalStateVia,
  ): Promise<LroResult<T>> {
    const startedAt = Date.now();
    const deadline = startedAt + this.timeoutMs;
    const initial = await this.transport.send({ method, url, body, deadline }, ctx);
    if (method === 'DELETE' && initial.status === 404 && !isParentMissing(parseServiceError(initial.text))) {
      return { resource: undefined, initialStatus: 404, pollCount: 0, elapsedMs: Date.now() - startedAt };
    }
    if (initial.status < 200 || initial.status >= 300) {
      throw classifyResponse(initial.status, initial.text, { ...ctx, retries: initial.retries });
    }
    return pollLro<T>(
      { method, resourceUrl: url, initial, finalStateVia },
      {
        transport: this.transport,
        logger: this.logger,
        context: ctx,
        startedAt,
        deadline,
        signal: this.signal,
        progressIntervalMs: this.progressIntervalMs,
        schedule: this.pollSchedule,
      },
    );
  }
}
