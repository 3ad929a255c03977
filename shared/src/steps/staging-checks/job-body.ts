/**
 * The command job a `run_on:` check becomes (Jobs_CreateOrUpdate, CommandJob): the check-job program run with Node
 * on the named cluster, the two datasets as uri_file inputs, one uri_folder output at the job's default output path,
 * in the experiment `staging-checks`; and the environment the step registers when the policy names none.
 */
import { createHash, randomBytes } from 'node:crypto';
import { defaultOutputUri, type CommandJobProperties } from '../../azureml/jobs';
import type { WorkspaceScope } from '../../specs/datastore-uri';

export const JOB_EXPERIMENT = 'staging-checks';
export const JOB_OUTPUT = 'result';
/** The command, as the service substitutes `${{…}}` with the mounted paths. */
export const JOB_COMMAND = 'node index.js --spec spec.json --baseline ${{inputs.baseline}} --target ${{inputs.target}} --out ${{outputs.result}}';

/** The environment registered when `run_on.environment` is not given: an Azure ML base image with Node.js from conda-forge. */
export const DEFAULT_ENVIRONMENT = {
  name: 'aml-lifecycle-check-node',
  image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04',
  condaFile: ['name: check-node', 'channels:', '  - conda-forge', 'dependencies:', '  - nodejs>=20', ''].join('\n'),
};

/** Its version follows its definition (a changed image or conda file is a new version, never an overwrite). */
export function defaultEnvironmentVersion(): string {
  return createHash('sha256').update(`${DEFAULT_ENVIRONMENT.image}\n${DEFAULT_ENVIRONMENT.condaFile}`).digest('hex').slice(0, 12);
}

/** A job name for a check: `staging-<check>-<8 hex>` (job names are unique in a workspace, and take no dots). */
export function checkJobName(check: string, random = randomBytes(4).toString('hex')): string {
  const base = check.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 48);
  return `staging-${base}-${random}`;
}

export const workspaceId = (s: WorkspaceScope): string =>
  `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${s.workspaceName}`;

/** `azureml:<name>:<version>` → the environment version's ARM id in the workspace. */
export function environmentId(scope: WorkspaceScope, ref: { name: string; version: string }): string {
  return `${workspaceId(scope)}/environments/${ref.name}/versions/${ref.version}`;
}

export interface CheckJobOptions {
  job: string;
  check: string;
  codeId: string;
  environmentId: string;
  compute: string;
  /** Job input URIs: a datastore path, an `azureml:name:version` data asset or an https URL */
  baseline: string;
  target: string;
}

export function checkJobBody(scope: WorkspaceScope, o: CheckJobOptions): { properties: CommandJobProperties } {
  return {
    properties: {
      jobType: 'Command',
      displayName: `staging check ${o.check}`,
      description: `Staging check '${o.check}' run by aml-lifecycle staging-checks`,
      experimentName: JOB_EXPERIMENT,
      command: JOB_COMMAND,
      codeId: o.codeId,
      environmentId: o.environmentId,
      computeId: `${workspaceId(scope)}/computes/${o.compute}`,
      inputs: {
        baseline: { jobInputType: 'uri_file', uri: o.baseline, mode: 'ReadOnlyMount' },
        target: { jobInputType: 'uri_file', uri: o.target, mode: 'ReadOnlyMount' },
      },
      outputs: { [JOB_OUTPUT]: { jobOutputType: 'uri_folder', uri: defaultOutputUri(o.job, JOB_OUTPUT), mode: 'ReadWriteMount' } },
      tags: { 'aml-lifecycle.check': o.check },
    },
  };
}
