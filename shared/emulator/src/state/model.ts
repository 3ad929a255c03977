/** The shape of `<stateDir>/arm.json`: everything the ARM side of the emulator knows. */
import { randomBytes } from 'node:crypto';
import type { Operation } from '../lro/operation';
import type { Fault } from '../faults';
import type { CopyJob } from '../registry-copy-job';

export interface Subscription {
  subscriptionId: string;
  displayName: string;
  tenantId: string;
}

export interface ResourceGroup {
  id: string;
  name: string;
  location: string;
  subscriptionId: string;
}

export type Json = Record<string, unknown>;

/** A resource as stored. `body` is what GET returns (before rendering); `pending` is what an operation will apply. */
export interface StoredResource {
  id: string;
  /** e.g. Microsoft.MachineLearningServices/workspaces/onlineEndpoints */
  type: string;
  body: Json;
  /** The operation currently running on this resource, if any. */
  opId?: string;
  /** The body an in-flight create/update will install when it succeeds. */
  pending?: Json;
  /** Monotonic creation order, for `$orderBy=createdtime`. */
  createdSeq: number;
}

export interface StorageAccount {
  name: string;
  key: string;
  subscriptionId: string;
  resourceGroup: string;
  containers: string[];
}

export interface RoleAssignment {
  id: string;
  principalId: string;
  scope: string;
  role: string;
}

export interface ProvisioningFailure {
  /** Regex matched (case-insensitively) against the resource id. */
  resourceIdPattern: string;
  code: string;
  message: string;
  /** Final status of the operation: Failed (default) or Canceled. */
  status?: 'Failed' | 'Canceled';
  /** Apply to this many operations, then stop (default: every one). */
  times?: number;
}

export interface Settings {
  /** Default duration of a long-running operation. */
  lroDurationMs: number;
  /** Per resource type duration: key is the type's last segment (`onlineEndpoints`) or its full type. */
  durations: Record<string, number>;
  provisioningFailures: ProvisioningFailure[];
  /** Items per page in list responses. */
  pageSize: number;
  /** ModelVersions_Publish answers as if the api-version / region had no such operation (clients fall back to import). */
  publishUnavailable?: boolean;
  /** Lifetime of the SAS a registry's startPendingUpload hands out (default 4 hours). */
  pendingUploadSasSeconds?: number;
}

export interface ArmState {
  schema: 1;
  /** HMAC key for signed polling URLs. */
  signingKey: string;
  seeded: boolean;
  defaults?: { subscriptionId: string; resourceGroup: string; workspace: string; registry?: { subscriptionId: string; resourceGroup: string; name: string } };
  settings: Settings;
  subscriptions: Record<string, Subscription>;
  resourceGroups: Record<string, ResourceGroup>;
  resources: Record<string, StoredResource>;
  storageAccounts: Record<string, StorageAccount>;
  roleAssignments: RoleAssignment[];
  operations: Record<string, Operation>;
  /** Blob copies into registries (publish, import) waiting for, or being done by, an emulator process; keyed by operation id. */
  copyJobs?: Record<string, CopyJob>;
  faults: Fault[];
  /** Monotonic counters (resource creation order, ids). */
  counters: Record<string, number>;
  /**
   * The Azurite instance serving the storage accounts, so another emulator process on this dir can reuse it, and
   * the blob front its owner runs before it (`frontPort`): the address every blob URL handed out names.
   */
  azurite?: { port: number; pid: number; frontPort?: number };
}

export const DEFAULT_LRO_MS = 2000;

export function emptyState(): ArmState {
  return {
    schema: 1,
    signingKey: randomBytes(32).toString('base64'),
    seeded: false,
    settings: { lroDurationMs: DEFAULT_LRO_MS, durations: {}, provisioningFailures: [], pageSize: 100 },
    subscriptions: {},
    resourceGroups: {},
    resources: {},
    storageAccounts: {},
    roleAssignments: [],
    operations: {},
    faults: [],
    counters: {},
  };
}

export function nextCounter(state: ArmState, name: string): number {
  const n = (state.counters[name] ?? 0) + 1;
  state.counters[name] = n;
  return n;
}

/** Keys of `subscriptions`, `resourceGroups` and `resources` are lower-cased ids: ARM names are case-insensitive. */
export const key = (id: string): string => id.toLowerCase();
