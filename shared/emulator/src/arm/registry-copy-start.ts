/**
 * Starting a deep copy of a workspace model version into a registry (publish and import share it). Under the state
 * lock this checks what can be checked at once, creates the destination version in `Creating` state (unless it
 * exists: then the copy only compares content, for an idempotent rerun or a conflict) and records the copy job;
 * an emulator process does the blob copy and only then lets the operation end (see registry-copier).
 */
import { randomUUID } from 'node:crypto';
import type { Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import type { ArmCall } from './call';
import { getResource, propertiesOf, putResource, systemData } from './resource-helpers';
import { lastName } from './render';
import { userError } from './errors';
import { badName } from './models';
import { registryStorage } from './registries';
import { REGISTRY_VERSION_TYPE, ensureRegistryContainer, registryConflict } from './registry-models';
import { blobUrl, resolveModelUri } from './blob-location';
import type { Operation } from '../lro/operation';
import { startOperation } from '../lro/operation';
import { busy } from '../lro/settle';
import { COPY_HOLD_MS, type CopyJob } from '../registry-copy-job';

export interface CopyToRegistry {
  registry: StoredResource;
  /** The workspace model version to copy, and its workspace. */
  source: StoredResource;
  workspace: StoredResource;
  destinationName: string;
  destinationVersion: string;
  /** Where the operation is polled: its subscription, token middle part and location. */
  poll: { subscriptionId: string; token: string; location: string };
}

/** Fields of the source version the registry copy carries. */
const CARRIED = ['description', 'tags', 'properties', 'flavors', 'modelType', 'jobName', 'stage'];

export function beginRegistryCopy(c: ArmCall, req: CopyToRegistry): Operation | Reply {
  const registryName = lastName(req.registry.id);
  const bad = badName(req.destinationName);
  if (bad) return bad;
  if (!req.destinationVersion.trim()) return userError('The destination version must not be empty.', { code: 'BadArgument', message: 'Empty version.' });
  const srcProps = propertiesOf(req.source.body);
  const srcName = `${lastName(req.source.id.slice(0, req.source.id.lastIndexOf('/versions/')))}:${lastName(req.source.id)}`;
  const sourceUri = String(srcProps.modelUri ?? '');
  const source = resolveModelUri(c.state, sourceUri, req.workspace.id);
  if (typeof source === 'string') {
    const message = `Model ${srcName} cannot be copied to registry '${registryName}': its modelUri '${sourceUri}' cannot be read (${source}).`;
    return userError(message, { code: 'BadArgument', message });
  }
  const storage = registryStorage(c.state, req.registry);
  if (!storage) return userError(`Registry '${registryName}' has no storage account.`, undefined, 500);

  const containerId = `${req.registry.id}/models/${req.destinationName}`;
  const destId = `${containerId}/versions/${req.destinationVersion}`;
  const prev = getResource(c.state, destId);
  if (busy(c.state, prev, c.now)) return registryConflict(registryName);
  const existing = prev && propertiesOf(prev.body).provisioningState !== 'Failed' ? prev : undefined;
  const compareWith = existing ? resolveModelUri(c.state, String(propertiesOf(existing.body).modelUri ?? ''), undefined) : undefined;

  const op = startOperation(c.state, {
    resourceId: destId,
    resourceType: REGISTRY_VERSION_TYPE,
    kind: existing ? 'action' : 'create',
    prefix: 'rcp',
    subscriptionId: req.poll.subscriptionId,
    workspaceId: req.poll.token,
    location: req.poll.location,
    runningStatus: 'Running',
    now: c.now,
  });
  const durationMs = op.durationMs;
  op.durationMs = COPY_HOLD_MS;
  // A fresh folder per copy, under which the model keeps its own name (the last segment of its path: the folder,
  // or the file of a single-file model), as the service does: a deployment finds a folder model at
  // $AZUREML_MODEL_DIR/<folder name>/.
  const name = source.path.slice(source.path.lastIndexOf('/') + 1);
  const destination = { ...storage, path: name ? `${randomUUID()}/${name}` : randomUUID() };

  if (!existing) {
    ensureRegistryContainer(c, containerId);
    const carried = Object.fromEntries(CARRIED.filter((k) => srcProps[k] !== undefined).map((k) => [k, srcProps[k]]));
    const desired: Json = {
      properties: { isAnonymous: false, isArchived: false, ...carried, modelUri: blobUrl(c.state, destination), provisioningState: 'Creating' },
      systemData: systemData(undefined, c),
    };
    putResource(c.state, { id: destId, type: REGISTRY_VERSION_TYPE, createdSeq: prev?.createdSeq, body: desired, pending: desired, opId: op.id });
  }

  const job: CopyJob = {
    opId: op.id,
    source,
    sourceUri,
    destination,
    existing: !!existing,
    compareWith: typeof compareWith === 'object' ? compareWith : undefined,
    named: true,
    destVersionId: destId,
    destDisplay: `model ${req.destinationName}:${req.destinationVersion} in registry '${registryName}'`,
    durationMs,
  };
  c.state.copyJobs = { ...(c.state.copyJobs ?? {}), [op.id]: job };
  return op;
}
