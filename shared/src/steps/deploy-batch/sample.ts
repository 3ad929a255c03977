/**
 * deploy-batch's sample and outputs: the test input as a job input (a local file or folder uploaded once to the
 * workspace's default datastore), a fresh output location for each job, (read back with assets/datastore-read).
 */
import { randomUUID } from 'node:crypto';
import type { AzureMlClient } from '../../azureml/client';
import { hashLocalContent } from '../../assets/local-content';
import type { JobInput } from '../../batch/job';
import type { Logger } from '../../core/logger';
import { StepError } from '../../core/errors';
import { uploadFolder } from '../../online/assets';
import type { WorkspaceScope } from '../../specs/datastore-uri';
import type { TestInput } from './read-plan';

export async function jobInput(client: AzureMlClient, scope: WorkspaceScope, test: TestInput, logger: Logger, signal: AbortSignal): Promise<JobInput> {
  if (test.kind === 'uri') return { uri: test.uri, type: test.folder ? 'UriFolder' : 'UriFile' };
  if (test.kind === 'data') {
    const id = `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${scope.workspaceName}/data/${test.name}/versions/${test.version}`;
    return { uri: id, type: 'UriFolder' };
  }
  const local = await hashLocalContent(test.path, logger, signal);
  await uploadFolder({ client, scope, logger, signal }, local);
  return { uri: `azureml://datastores/${local.datastore!.name}/paths/${local.uploadPath}${test.folder ? '/' : ''}`, type: test.folder ? 'UriFolder' : 'UriFile' };
}

/** A location no job has written yet (the service fails a job whose output file exists). */
export function freshOutputUri(endpoint: string, deployment: string, file: string): string {
  return `azureml://datastores/workspaceblobstore/paths/aml-lifecycle/batch/${endpoint}/${deployment}/${randomUUID()}/${file}`;
}

/** The text of a file at an azureml://datastores/<ds>/paths/<p> URI (the datastore's own credential, masked). */
