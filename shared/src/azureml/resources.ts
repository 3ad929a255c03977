/**
 * Azure ML resources as the service sends them (JSON, not SDK models): the fields the steps use are typed,
 * everything else the service returns is kept as is.
 */

export interface SystemData {
  createdBy?: string;
  createdByType?: string;
  createdAt?: string;
  lastModifiedBy?: string;
  lastModifiedByType?: string;
  lastModifiedAt?: string;
}

/** As the service returns it: ARM always sends id, name and type. */
export interface ArmResource<P> {
  id: string;
  name: string;
  type: string;
  systemData?: SystemData;
  properties: P;
  [key: string]: unknown;
}

export interface TrackedArmResource<P> extends ArmResource<P> {
  location?: string;
  tags?: Record<string, string>;
  identity?: { type?: string; principalId?: string; tenantId?: string; userAssignedIdentities?: Record<string, unknown> };
  sku?: { name?: string; tier?: string; capacity?: number; [key: string]: unknown };
  kind?: string;
}

type Open = { [key: string]: unknown };
type StringMap = Record<string, string>;

export interface WorkspaceProperties extends Open {
  /** Immutable workspace GUID (used in azureml://locations/… asset ids) */
  workspaceId?: string;
  friendlyName?: string;
  description?: string;
  storageAccount?: string;
  keyVault?: string;
  applicationInsights?: string;
  containerRegistry?: string;
  discoveryUrl?: string;
  mlFlowTrackingUri?: string;
  provisioningState?: string;
}
export type Workspace = TrackedArmResource<WorkspaceProperties>;

export interface DatastoreProperties extends Open {
  datastoreType?: 'AzureBlob' | 'AzureDataLakeGen1' | 'AzureDataLakeGen2' | 'AzureFile' | string;
  isDefault?: boolean;
  accountName?: string;
  containerName?: string;
  fileShareName?: string;
  filesystem?: string;
  endpoint?: string;
  protocol?: string;
  credentials?: { credentialsType?: string; [key: string]: unknown };
  description?: string;
  tags?: StringMap;
}
export type Datastore = ArmResource<DatastoreProperties>;

/** POST …/datastores/{name}/listSecrets: one of these, by `secretsType`. */
export interface DatastoreSecrets extends Open {
  secretsType: 'AccountKey' | 'Sas' | 'ServicePrincipal' | 'Certificate' | string;
  key?: string;
  sasToken?: string;
  clientSecret?: string;
  certificate?: string;
}

export interface ModelContainerProperties extends Open {
  description?: string | null;
  tags?: StringMap | null;
  properties?: StringMap | null;
  isArchived?: boolean;
  latestVersion?: string | null;
  nextVersion?: string | null;
  provisioningState?: string;
}
export type ModelContainer = ArmResource<ModelContainerProperties>;

export interface ModelVersionProperties extends Open {
  modelUri?: string;
  modelType?: string;
  description?: string | null;
  tags?: StringMap | null;
  properties?: StringMap | null;
  flavors?: Record<string, { data?: StringMap | null }> | null;
  stage?: string | null;
  jobName?: string | null;
  datasets?: { name?: string; id?: string }[] | null;
  intellectualProperty?: { publisher?: string; protectionLevel?: string } | null;
  isAnonymous?: boolean;
  isArchived?: boolean;
  provisioningState?: string;
}
export type ModelVersion = ArmResource<ModelVersionProperties>;

export interface OnlineEndpointProperties extends Open {
  authMode: 'AMLToken' | 'Key' | 'AADToken' | string;
  description?: string;
  compute?: string;
  traffic?: Record<string, number>;
  mirrorTraffic?: Record<string, number>;
  publicNetworkAccess?: 'Enabled' | 'Disabled' | string;
  properties?: StringMap;
  scoringUri?: string | null;
  swaggerUri?: string | null;
  provisioningState?: string;
}
export type OnlineEndpoint = TrackedArmResource<OnlineEndpointProperties>;

/** A managed or Kubernetes online deployment (the fields the steps read; the rest is kept as sent). */
export interface OnlineDeploymentProperties extends Open {
  endpointComputeType: 'Managed' | 'Kubernetes' | 'AzureMLCompute' | string;
  model?: string;
  environmentId?: string;
  codeConfiguration?: { codeId?: string; scoringScript: string };
  instanceType?: string;
  environmentVariables?: StringMap;
  scaleSettings?: { scaleType: 'Default' | 'TargetUtilization' | string; [key: string]: unknown };
  requestSettings?: Open;
  livenessProbe?: Open;
  readinessProbe?: Open;
  appInsightsEnabled?: boolean;
  egressPublicNetworkAccess?: string;
  description?: string;
  properties?: StringMap;
  provisioningState?: string;
}
export type OnlineDeployment = TrackedArmResource<OnlineDeploymentProperties>;

export interface EndpointAuthKeys {
  primaryKey?: string;
  secondaryKey?: string;
}

export interface EndpointAuthToken {
  accessToken?: string;
  expiryTimeUtc?: number;
  refreshAfterTimeUtc?: number;
  tokenType?: string;
}

/** One row of the workspace `usages` list: vCPUs of a VM family (or cores) used against a limit. */
export interface Usage extends Open {
  id?: string;
  type?: string;
  unit?: string;
  currentValue: number;
  limit: number;
  name: { value: string; localizedValue?: string };
}

export interface VirtualMachineSize extends Open {
  name: string;
  family?: string;
  vCPUs?: number;
  gpus?: number;
  memoryGB?: number;
}

export interface RegistryProperties extends Open {
  discoveryUrl?: string;
  mlFlowRegistryUri?: string;
  regionDetails?: unknown[];
  publicNetworkAccess?: string;
}
export type Registry = TrackedArmResource<RegistryProperties>;

export interface PendingUploadRequest {
  /** A random GUID is used when absent */
  pendingUploadId?: string;
  pendingUploadType?: 'None' | 'TemporaryBlobReference';
}

export interface PendingUploadResponse extends Open {
  pendingUploadId?: string;
  pendingUploadType?: string;
  blobReferenceForConsumption?: {
    blobUri?: string;
    storageAccountArmId?: string;
    credential?: { credentialType?: 'SAS' | string; sasUri?: string; [key: string]: unknown };
  };
}

/** Body of ModelVersions_Publish: where in a registry to copy a workspace model version. */
export interface DestinationAsset {
  registryName?: string;
  destinationName?: string;
  destinationVersion?: string;
}

export interface ScheduleProperties extends Open {
  action: { actionType: 'CreateJob' | 'InvokeBatchEndpoint' | 'CreateMonitor' | string; [key: string]: unknown };
  trigger: { triggerType: 'Recurrence' | 'Cron' | string; [key: string]: unknown };
  displayName?: string;
  isEnabled?: boolean;
  description?: string;
  tags?: StringMap;
  properties?: StringMap;
  provisioningState?: string;
}
export type Schedule = ArmResource<ScheduleProperties>;
