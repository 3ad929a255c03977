/**
 * Azure ML command jobs (`.../workspaces/{w}/jobs/{name}`, jobType Command), raw at the client's api-version:
 * the body (Jobs_CreateOrUpdate's CommandJob: command, codeId, environmentId, computeId, inputs by jobInputType,
 * outputs by jobOutputType, experimentName), create, get and cancel (POST .../cancel answers 202; the job then
 * moves to CancelRequested and Canceled, seen by polling it).
 */
import type { ArmCore } from './arm-core';
import { childPath, refs, workspacePath } from './refs';

/** Job statuses after which nothing more happens. */
export const TERMINAL_JOB_STATUSES = ['Completed', 'Failed', 'Canceled', 'NotResponding'] as const;

export interface JobInput {
  jobInputType: 'uri_file' | 'uri_folder' | 'literal';
  uri?: string;
  value?: string;
  mode?: 'ReadOnlyMount' | 'Download' | 'Direct';
  description?: string;
}

export interface JobOutput {
  jobOutputType: 'uri_folder' | 'uri_file';
  uri?: string;
  mode?: 'ReadWriteMount' | 'Upload';
  description?: string;
}

export interface CommandJobProperties {
  jobType: 'Command';
  command: string;
  codeId?: string;
  environmentId: string;
  computeId: string;
  displayName?: string;
  description?: string;
  experimentName?: string;
  inputs?: Record<string, JobInput>;
  outputs?: Record<string, JobOutput>;
  environmentVariables?: Record<string, string>;
  tags?: Record<string, string>;
  properties?: Record<string, string>;
  limits?: { jobLimitsType: 'Command'; timeout?: string };
  /** Read only */
  status?: string;
  /** Read only: Studio (and other) endpoints of the job */
  services?: Record<string, { jobServiceType?: string; endpoint?: string | null; status?: string | null; errorMessage?: string | null }>;
  /**
   * Not in the published JobBase: the emulator reports why a job failed here ({code, message}); the live service
   * tells it in the job's run record and logs (the step reads the log either way).
   */
  error?: { code?: string; message?: string } | null;
  [key: string]: unknown;
}

export interface JobResource {
  id?: string;
  name?: string;
  type?: string;
  properties: CommandJobProperties;
  systemData?: { createdAt?: string };
}

export class JobOperations {
  constructor(private readonly core: ArmCore) {}

  private path(rg: string, ws: string, name: string, ...more: string[]): string {
    return childPath(workspacePath(this.core.subscriptionId, rg, ws), 'jobs', name, ...more);
  }

  private ctx(verb: string, rg: string, ws: string, name: string) {
    return { operation: `${verb} job '${name}'`, ref: refs.inWorkspace('job', name, rg, ws) };
  }

  getJob(rg: string, ws: string, name: string): Promise<JobResource | undefined> {
    return this.core.rawGet<JobResource>(this.path(rg, ws, name), this.ctx('get', rg, ws, name));
  }

  /**
   * Jobs_List, every page (up to `limit`): `scheduleId` keeps the jobs a schedule started (a monitor's runs),
   * `tag` the jobs carrying that tag key; `listViewType: All` includes archived ones.
   */
  listJobs(rg: string, ws: string, query: { scheduleId?: string; tag?: string; jobType?: string }, limit = 200): Promise<JobResource[]> {
    const url = this.core.transport.url(childPath(workspacePath(this.core.subscriptionId, rg, ws), 'jobs'), this.core.apiVersion, { ...query, listViewType: 'All' });
    return this.core.rawList<JobResource>(url, { operation: 'list jobs', ref: refs.workspace(rg, ws) }, limit);
  }

  /** Submit a job (the service answers 201 at once and runs it); a name in use answers 400/409. */
  async createJob(rg: string, ws: string, name: string, body: { properties: CommandJobProperties }): Promise<JobResource> {
    const url = this.core.transport.url(this.path(rg, ws, name), this.core.apiVersion);
    const res = await this.core.transport.expect({ method: 'PUT', url, body, deadline: this.core.deadline() }, this.ctx('submit', rg, ws, name), [200, 201]);
    return res.body as JobResource;
  }

  /** Ask the service to cancel the job (202: accepted; the job ends Canceled later). */
  async cancelJob(rg: string, ws: string, name: string): Promise<void> {
    const url = this.core.transport.url(this.path(rg, ws, name, 'cancel'), this.core.apiVersion);
    await this.core.transport.expect({ method: 'POST', url, deadline: this.core.deadline() }, this.ctx('cancel', rg, ws, name), [200, 202, 204]);
  }
}

/** `azureml://datastores/workspaceblobstore/paths/azureml/{job}/{output}/`: where a job's named output goes by default. */
export function defaultOutputUri(job: string, output: string, datastore = 'workspaceblobstore'): string {
  return `azureml://datastores/${datastore}/paths/azureml/${job}/${output}/`;
}

/** Where a job's user log is in the workspace's artifact store (`user_logs/std_log.txt` of its run). */
export function jobLogUri(job: string): string {
  return `azureml://datastores/workspaceartifactstore/paths/ExperimentRun/dcid.${job}/user_logs/std_log.txt`;
}
