/** What a resource-type handler receives for one ARM request. */
import type { VerifiedToken } from '../identity';
import type { ArmState, StoredResource } from '../state/model';
import type { Reply } from '../http';

export interface ArmCall {
  method: string;
  url: URL;
  /** https://127.0.0.1:<port> of the emulator that received the request. */
  baseUrl: string;
  body: unknown;
  apiVersion: string;
  now: number;
  principal: VerifiedToken;
  subscriptionId: string;
  resourceGroup: string;
  /** Canonical type, e.g. Microsoft.MachineLearningServices/workspaces/models/versions */
  type: string;
  /** Names along the path (for a collection: the parents' names). */
  names: string[];
  /** Canonical id of the addressed resource (for a collection: the collection path). */
  id: string;
  /** Id of the parent resource (the workspace for workspace children; the RG for workspaces; the resource an extension resource sits on). */
  parentId: string;
  /** The workspace the request is under (absent for workspace collections). */
  workspace?: StoredResource;
  action?: string;
  /** Settled state: a copy on reads, the locked document on writes. */
  state: ArmState;
  /** The live InferenceServer log of a deployment's scoring process (`tail` last lines); undefined when it has none. */
  inferenceLog?: InferenceLogReader;
  /** What the handler's `prepare` found before the state lock was taken (PUT only). */
  prepared?: unknown;
}

/** What a handler's `prepare` sees: the request and the state as it was before the lock. */
export interface PrepareCall {
  id: string;
  baseUrl: string;
  body: unknown;
  state: Readonly<ArmState>;
}

export type InferenceLogReader = (deploymentId: string, tail?: number) => string | undefined;

export type Handler = (c: ArmCall) => Reply;

export interface ResourceTypeHandler {
  /** Canonical type segments under the provider namespace, e.g. ['workspaces', 'models', 'versions']. */
  path: string[];
  /** Provider namespace (default Microsoft.MachineLearningServices). */
  namespace?: string;
  /**
   * For an extension resource type (`{parent}/providers/{namespace}/{path}`): the types it sits on, as
   * `Namespace/type[/type...]` (e.g. `Microsoft.Kubernetes/connectedClusters`). Absent: a top-level type.
   */
  parentTypes?: string[];
  /** Accepted api-versions (default: the Microsoft.MachineLearningServices list). */
  apiVersions?: string[];
  list?: Handler;
  /**
   * GET /subscriptions/{s}/providers/{namespace}/{type}[/{name}/{type}...] (e.g. `registries`, `locations/{loc}/usages`);
   * `resourceGroup` is '' and `names` holds the names along the path.
   */
  listBySubscription?: Handler;
  /** Served only under a subscription (e.g. `locations/{loc}/usages`), never under a resource group. */
  subscriptionOnly?: boolean;
  get?: Handler;
  put?: Handler;
  patch?: Handler;
  delete?: Handler;
  /** POST actions on one resource, keyed by lower-case action name. */
  actions?: Record<string, Handler>;
  /**
   * Work a PUT needs outside the state lock, before `put` runs (e.g. Event Grid's webhook validation handshake);
   * its result reaches `put` as `prepared`.
   */
  prepare?: (c: PrepareCall) => Promise<unknown>;
}
