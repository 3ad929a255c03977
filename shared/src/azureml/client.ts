/**
 * The Azure ML client the steps use. Operations @azure/arm-machinelearning (2022-10-01) covers go through it;
 * the rest, and writes carrying fields its mappers would drop, go as raw requests at `apiVersion` through the
 * same pipeline. Every resource is returned as the JSON the service sent, nothing dropped.
 */
import type { Agent } from 'node:https';
import type { TokenCredential } from '@azure/core-auth';
import type { ModelVersion as SdkModelVersion } from '@azure/arm-machinelearning';
import { StepError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { CloudEndpoints } from '../auth/clouds';
import type { LroResult } from './lro';
import { childPath, refs, registryPath, workspacePath } from './refs';
import type {
  Datastore,
  DatastoreSecrets,
  DestinationAsset,
  ModelContainer,
  ModelVersion,
  ModelVersionProperties,
  Registry,
  Workspace,
} from './resources';
import type { RetryOptions } from './retry';
import { SDK_API_VERSION } from './sdk-client';
import { ArmCore } from './arm-core';
import { OnlineOperations } from './online';
import { ScheduleOperations } from './schedules';
import { AssetVersionOperations } from './asset-versions';
import { RegistryDataOperations } from './registry-data';
import { ComputeOperations } from './computes';
import { BatchOperations } from './batch';
import { JobOperations } from './jobs';
export { DATA_PLANE_API_VERSION, type RegistryDiscovery, type RegistryImportRequest } from './registry-data';

export { DEFAULT_API_VERSION } from './api-version';
export type { OnlineEndpointBody, OnlineDeploymentBody } from './online';
export type { ScheduleBody } from './schedules';

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
  /** LRO poll interval (send to send) by time since the operation started, when the service sends no Retry-After; default pollIntervalMs */
  pollSchedule?: (elapsedMs: number) => number;
  /** Cadence of LRO progress lines; default 15 s */
  progressIntervalMs?: number;
  /** Per HTTP request; default 120 s */
  requestTimeoutMs?: number;
  /** The agent ARM requests go out on (preconnect.ts); default: the SDK's own. */
  agent?: Agent;
}

/** What to write; `properties` may carry fields newer than these types, and they reach the wire. */
export interface ModelVersionBody {
  properties: Partial<ModelVersionProperties>;
}

export interface WriteResult<T> {
  resource: T;
  /** HTTP status of the write: 201 created, 200 updated */
  status: number;
  /** api-version the write was sent with */
  apiVersion: string;
}

export class AzureMlClient {
  /** The pipeline, raw requests and polling every family shares */
  readonly core: ArmCore;
  /** Online endpoints and their deployments */
  readonly online: OnlineOperations;
  /** Schedules (model monitoring) */
  readonly schedules: ScheduleOperations;
  /** Environment and code versions, quota and VM sizes */
  readonly assets: AssetVersionOperations;
  /** A registry's data plane: discovery, import, pending uploads */
  readonly registryData: RegistryDataOperations;
  /** Computes (Kubernetes attach, compute clusters) and the clusters and extensions under Kubernetes ones */
  readonly computes: ComputeOperations;
  /** Batch endpoints and deployments */
  readonly batch: BatchOperations;
  /** Command jobs (staging checks that run on a compute cluster) */
  readonly jobs: JobOperations;
  private readonly options: AzureMlClientOptions;

  constructor(opts: AzureMlClientOptions) {
    this.options = opts;
    this.core = new ArmCore(opts);
    this.online = new OnlineOperations(this.core);
    this.schedules = new ScheduleOperations(this.core);
    this.assets = new AssetVersionOperations(this.core);
    this.registryData = new RegistryDataOperations(this.core);
    this.computes = new ComputeOperations(this.core);
    this.batch = new BatchOperations(this.core);
    this.jobs = new JobOperations(this.core);
  }

  get apiVersion(): string {
    return this.core.apiVersion;
  }

  get timeoutMs(): number {
    return this.core.timeoutMs;
  }

  /** The subscription every ARM path of this client is in */
  get subscriptionId(): string {
    return this.core.subscriptionId;
  }

  get cloud(): CloudEndpoints {
    return this.core.cloud;
  }

  /**
   * A client for another subscription (e.g. a registry's), with the same credential (and so its token cache),
   * cloud, options and cancellation. The SDK binds a subscription per client, so this builds a new pipeline.
   */
  forSubscription(subscriptionId: string): AzureMlClient {
    if (subscriptionId.toLowerCase() === this.subscriptionId.toLowerCase()) return this;
    return new AzureMlClient({ ...this.options, subscriptionId });
  }

  /**
   * A client with the same credential and options but without the cancellation signal, for the clean-up a step does
   * after it was cancelled or timed out (cancelling a job it submitted), each operation bounded by `timeoutMs`.
   */
  detached(timeoutMs = 60_000): AzureMlClient {
    const { signal: _signal, ...rest } = this.options;
    return new AzureMlClient({ ...rest, timeoutMs });
  }

  // ---- workspaces and datastores (SDK) ----

  async getWorkspace(rg: string, ws: string): Promise<Workspace> {
    const ctx = { operation: `get workspace '${ws}'`, ref: refs.workspace(rg, ws) };
    return (await this.core.sdkCall(ctx, (o) => this.core.sdk.sdk.workspaces.get(rg, ws, o))).body as Workspace;
  }

  async listDatastores(rg: string, ws: string, opts: { isDefault?: boolean } = {}): Promise<Datastore[]> {
    const ctx = { operation: `list datastores of workspace '${ws}'`, ref: refs.workspace(rg, ws) };
    return this.core.sdkList<Datastore>(ctx, (o) =>
      this.core.sdk.sdk.datastores.list(rg, ws, { ...o, ...(opts.isDefault !== undefined ? { isDefault: opts.isDefault } : {}) }),
    );
  }

  async getDatastore(rg: string, ws: string, name: string): Promise<Datastore> {
    const ctx = { operation: `get datastore '${name}'`, ref: refs.inWorkspace('datastore', name, rg, ws) };
    return (await this.core.sdkCall(ctx, (o) => this.core.sdk.sdk.datastores.get(rg, ws, name, o))).body as Datastore;
  }

  /** The datastore, or undefined when the workspace has none of that name (a missing workspace still fails). */
  async findDatastore(rg: string, ws: string, name: string): Promise<Datastore | undefined> {
    const ctx = { operation: `get datastore '${name}'`, ref: refs.inWorkspace('datastore', name, rg, ws) };
    const res = await this.core.sdkCall(ctx, (o) => this.core.sdk.sdk.datastores.get(rg, ws, name, o), { absentOn404: true });
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
    onSecret: ((value: string) => void) | undefined = this.core.onSecret,
  ): Promise<DatastoreSecrets> {
    const ctx = { operation: `list secrets of datastore '${name}'`, ref: refs.inWorkspace('datastore', name, rg, ws) };
    const { body } = await this.core.sdkCall(ctx, (o) => this.core.sdk.sdk.datastores.listSecrets(rg, ws, name, o));
    const secrets = (body ?? {}) as DatastoreSecrets;
    for (const [key, value] of Object.entries(secrets)) {
      if (key !== 'secretsType' && typeof value === 'string' && value) onSecret?.(value);
    }
    return secrets;
  }

  // ---- workspace models (SDK unless its mappers would drop fields) ----

  async getModelContainer(rg: string, ws: string, name: string): Promise<ModelContainer | undefined> {
    const ctx = { operation: `get model '${name}'`, ref: refs.inWorkspace('model', name, rg, ws) };
    const res = await this.core.sdkCall(ctx, (o) => this.core.sdk.sdk.modelContainers.get(rg, ws, name, o), { absentOn404: true });
    return res.body as ModelContainer | undefined;
  }

  async getModelVersion(rg: string, ws: string, name: string, version: string): Promise<ModelVersion | undefined> {
    const ctx = {
      operation: `get model version '${name}:${version}'`,
      ref: refs.inWorkspace('model version', `${name}:${version}`, rg, ws),
    };
    const res = await this.core.sdkCall(ctx, (o) => this.core.sdk.sdk.modelVersions.get(rg, ws, name, version, o), {
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
    const items = await this.core.sdkList<ModelVersion>(
      ctx,
      (o) => this.core.sdk.sdk.modelVersions.list(rg, ws, name, { ...o, ...query }),
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
    const dropped = await this.core.fieldsSdkWouldDrop(body, (o) =>
      this.core.sdk.sdk.modelVersions.createOrUpdate(rg, ws, name, version, body as unknown as SdkModelVersion, o),
    );
    if (dropped.length === 0) {
      const res = await this.core.sdkCall(ctx, (o) =>
        this.core.sdk.sdk.modelVersions.createOrUpdate(rg, ws, name, version, body as unknown as SdkModelVersion, o),
      );
      return { resource: res.body as ModelVersion, status: res.status, apiVersion: SDK_API_VERSION };
    }
    this.core.logger.debug(
      `@azure/arm-machinelearning ${SDK_API_VERSION} would drop ${dropped.join(', ')}; sending model version ${name}:${version} with api-version ${this.apiVersion}`,
    );
    const path = childPath(workspacePath(this.subscriptionId, rg, ws), 'models', name, 'versions', version);
    const result = await this.core.lro<ModelVersion>('PUT', path, body, ctx);
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
    return this.core.lro('POST', path, destination, ctx, 'location');
  }

  // ---- registries ----

  async getRegistry(rg: string, registry: string): Promise<Registry | undefined> {
    const ctx = { operation: `get registry '${registry}'`, ref: refs.registry(rg, registry) };
    return this.core.rawGet<Registry>(registryPath(this.subscriptionId, rg, registry), ctx);
  }

  async getRegistryModelContainer(rg: string, registry: string, name: string): Promise<ModelContainer | undefined> {
    const ctx = { operation: `get registry model '${name}'`, ref: refs.inRegistry('model', name, rg, registry) };
    return this.core.rawGet<ModelContainer>(childPath(registryPath(this.subscriptionId, rg, registry), 'models', name), ctx);
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
    return this.core.rawGet<ModelVersion>(path, ctx);
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
    return this.core.lro<ModelVersion>('PUT', path, body, ctx, 'original-uri');
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
    const url = this.core.transport.url(path, this.apiVersion, {
      $orderBy: opts.orderBy,
      $top: opts.top,
      listViewType: opts.listViewType,
    });
    return this.core.rawList<ModelVersion>(url, ctx, opts.top);
  }
}
