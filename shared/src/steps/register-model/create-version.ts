/**
 * Creating a workspace model version when other runs may be creating versions of the same model at the same time.
 *
 * Azure's model version PUT has no documented create-only condition (no If-None-Match on ModelVersions_CreateOrUpdate),
 * so a lost race is recognised from what the service does document (reference §7.5, §3):
 *  - a PUT onto an existing version with another path is refused (asset versions are immutable: AssetPathError),
 *    which the client reports as a 'conflict';
 *  - the PUT answers 201 when it created the version and 200 when the version already existed (then, since the
 *    service accepted our path, the other run registered this same content);
 *  - and just before writing, the version is read again (the upload between planning and writing can take long).
 * When the version was chosen automatically, a version another run took with other content is left to it and the
 * next free version is tried (a bounded number of times, within the step's deadline); a version that holds exactly
 * this content and metadata is this registration, made by the other run: the result is 'unchanged'.
 */
import { isStepError, StepError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { AzureMlClient } from '../../azureml/client';
import type { ModelVersionBody } from '../../specs/model-spec';
import type { ModelVersion } from '../../azureml/resources';
import { compareModelVersion } from '../../promote/compare';
import { abortError } from '../../core/sleep';

export const MAX_CREATE_ATTEMPTS = 8;

export interface CreateVersionRequest {
  client: AzureMlClient;
  resourceGroup: string;
  workspace: string;
  name: string;
  /** The version planned */
  version: string;
  body: ModelVersionBody;
  /** The version was chosen by the step (no model-version given): a lost race may move on to the next one */
  automatic: boolean;
  logger: Logger;
  signal?: AbortSignal;
  maxAttempts?: number;
}

export interface CreatedVersion {
  version: string;
  /** create: this run wrote it; unchanged: another run registered this same content and metadata first */
  action: 'create' | 'unchanged';
  resource: ModelVersion;
}

/** The write was refused because the version exists with other content (or another write to it was in progress). */
export function lostRace(e: unknown): e is StepError {
  return isStepError(e) && e.kind === 'conflict' && (e.status === 400 || e.status === 409 || e.status === 422);
}

/** The version after `taken`: past every version the service knows, so that several runs spread out quickly. */
async function nextVersion(req: CreateVersionRequest, taken: string): Promise<string> {
  const container = await req.client.getModelContainer(req.resourceGroup, req.workspace, req.name);
  const known = Number(container?.properties?.nextVersion);
  const after = /^\d+$/.test(taken) ? Number(taken) + 1 : 1;
  return String(Number.isInteger(known) && known > after ? known : after);
}

const isSame = (body: ModelVersionBody, live: ModelVersion | undefined): live is ModelVersion =>
  !!live && compareModelVersion(body, live).action === 'unchanged';

/** The most recently created version of model `name`, if any. */
export async function latestModelVersion(client: AzureMlClient, rg: string, ws: string, name: string): Promise<ModelVersion | undefined> {
  return (await client.listModelVersions(rg, ws, name, { orderBy: 'createdtime desc', top: 1 }))[0];
}

/**
 * The version a registration without `model-version` takes: the latest one when it already holds exactly `body`,
 * else the next free one. The container is read after the list, so a container ahead of the list means versions
 * were registered in between (by a run with this same content, perhaps): the latest is then compared once more, or
 * two identical registrations started together would end as two versions.
 */
export async function planAutomaticVersion(
  client: AzureMlClient,
  rg: string,
  ws: string,
  name: string,
  body: ModelVersionBody,
  /** The latest version (none: undefined), when already read with latestModelVersion. */
  read?: { latest: ModelVersion | undefined },
): Promise<{ version: string; action: 'create' | 'unchanged'; live?: ModelVersion }> {
  const latestOf = () => latestModelVersion(client, rg, ws, name);
  const holdsThis = (v: ModelVersion): boolean => compareModelVersion(body, v).action === 'unchanged';
  const latest = read ? read.latest : await latestOf();
  if (latest && holdsThis(latest)) return { version: String(latest.name), action: 'unchanged', live: latest };
  const container = await client.getModelContainer(rg, ws, name);
  const afterLatest = latest && /^\d+$/.test(String(latest.name)) ? Number(latest.name) + 1 : 1;
  const next = Number(container?.properties?.nextVersion);
  if (Number.isInteger(next) && next > afterLatest) {
    const now = await latestOf();
    if (now && holdsThis(now)) return { version: String(now.name), action: 'unchanged', live: now };
  }
  return { version: String(container?.properties?.nextVersion ?? afterLatest), action: 'create' };
}

export async function createModelVersion(req: CreateVersionRequest): Promise<CreatedVersion> {
  const { client, resourceGroup: rg, workspace: ws, name, body, logger } = req;
  const attempts = req.maxAttempts ?? MAX_CREATE_ATTEMPTS;
  let version = req.version;
  const moveOn = async (why: string, live: ModelVersion | undefined): Promise<void> => {
    const taken = version;
    version = await nextVersion(req, taken);
    logger.info(`Model ${name}:${taken} was ${why} by another run meanwhile${live?.properties?.modelUri ? ` (${live.properties.modelUri})` : ''}; trying version ${version}.`);
  };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (req.signal?.aborted) throw req.signal.reason ?? abortError();
    const before = await client.getModelVersion(rg, ws, name, version);
    if (before) {
      if (isSame(body, before)) return found(name, version, before, logger);
      if (!req.automatic) return refuse(name, version, before, body);
      await moveOn('registered', before);
      continue;
    }
    try {
      const written = await client.createOrUpdateModelVersion(rg, ws, name, version, body);
      if (written.status === 200) {
        logger.info(`Model ${name}:${version} was created by another run between this run's check and its write, with this same content.`);
        return { version, action: 'unchanged', resource: written.resource };
      }
      return { version, action: 'create', resource: written.resource };
    } catch (e) {
      if (!lostRace(e)) throw e;
      const winner = await client.getModelVersion(rg, ws, name, version);
      if (isSame(body, winner)) return found(name, version, winner, logger);
      if (!req.automatic || !winner) throw e;
      await moveOn('taken', winner);
    }
  }
  throw new StepError('conflict', `Model ${name}: ${attempts} versions in a row were taken by other runs registering at the same time; gave up at version ${version}.`, {
    hint: 'Other pipelines are registering this model concurrently; rerun the step (it takes the next free version).',
  });
}

function found(name: string, version: string, live: ModelVersion, logger: Logger): CreatedVersion {
  logger.info(`Model ${name}:${version} was registered by another run meanwhile with this same content and metadata; nothing to do.`);
  return { version, action: 'unchanged', resource: live };
}

/** An explicit version someone else registered with other content since the plan: the same refusal as planning gives. */
function refuse(name: string, version: string, live: ModelVersion, body: ModelVersionBody): never {
  const d = compareModelVersion(body, live);
  const reason = d.action === 'conflict' ? d.reason : `its ${d.action === 'update' ? d.changed.join(', ') : 'metadata'} differ`;
  throw new StepError('conflict', `Model ${name} version ${version} was registered by another run meanwhile and ${reason}.`, {
    input: 'model-version',
    hint: 'Model versions are immutable: register the new content as a new version (leave model-version empty to take the next free one).',
  });
}
