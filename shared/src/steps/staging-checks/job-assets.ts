/**
 * What a `run_on:` check's job needs in the workspace, checked before anything is written and then provided once:
 * the compute clusters and named environments (checked first: a missing one is reported at its policy line), the
 * datasets as job inputs (local files uploaded content-addressed to the default datastore; workspace and https URIs
 * passed as they are), the code (the check-job program with the check's spec, a content-addressed code version) and
 * the environment (the named one, or the step's own with Node.js, registered when missing).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashLocalContent } from '../../assets/local-content';
import { JOB_SPEC_FILE, type CheckJobSpec, type JobCheck } from '../../checks/job/spec';
import { policyError } from '../../checks/policy/errors';
import { ENVIRONMENT_REF } from '../../checks/policy/run-on';
import type { PolicyDataset } from '../../checks/policy/types';
import type { Logger } from '../../core/logger';
import { uploadFolder } from '../../online/assets';
import type { WorkspaceConnection } from '../workspace';
import { DEFAULT_ENVIRONMENT, defaultEnvironmentVersion, environmentId, workspaceId } from './job-body';

/** Every cluster and environment the checks name exists (and the clusters are AmlCompute), before any write. */
export async function checkJobTargets(conn: WorkspaceConnection, checks: readonly JobCheck[]): Promise<void> {
  const { client, scope } = conn;
  const rg = scope.resourceGroup;
  const ws = scope.workspaceName;
  const seen = new Set<string>();
  for (const check of checks) {
    const runOn = check.runOn!;
    const name = runOn.compute.value;
    if (!seen.has(`c:${name.toLowerCase()}`)) {
      seen.add(`c:${name.toLowerCase()}`);
      const compute = await client.computes.getCompute(rg, ws, name);
      if (!compute) throw policyError(runOn.compute.at, `compute '${name}' does not exist in workspace ${ws}`, 'Name an AmlCompute cluster of the workspace (az ml compute list --type amlcompute), or create one.');
      const type = String(compute.properties?.computeType ?? '');
      if (type.toLowerCase() !== 'amlcompute') throw policyError(runOn.compute.at, `compute '${name}' is a ${type || 'compute of unknown type'}, not an AmlCompute cluster: run_on sends the check to a compute cluster`);
    }
    const env = runOn.environment;
    if (env && !seen.has(`e:${env.value}`)) {
      seen.add(`e:${env.value}`);
      const m = ENVIRONMENT_REF.exec(env.value)!;
      if (!(await client.assets.getEnvironmentVersion(rg, ws, m[1]!, m[2]!))) throw policyError(env.at, `environment ${m[1]}:${m[2]} does not exist in workspace ${ws}`);
    }
  }
}

export class JobAssets {
  private readonly inputs = new Map<string, string>();
  private defaultEnvironment?: string;
  private readonly dirs: string[] = [];

  constructor(
    private readonly conn: WorkspaceConnection,
    private readonly logger: Logger,
    private readonly signal: AbortSignal,
  ) {}

  private get ctx() {
    return { client: this.conn.client, scope: this.conn.scope, logger: this.logger, signal: this.signal };
  }

  /** The job input URI of a dataset: a local file uploaded once (content-addressed), a remote URI as written. */
  async datasetUri(ds: PolicyDataset): Promise<string> {
    const known = this.inputs.get(ds.name);
    if (known) return known;
    let uri = ds.path;
    if (ds.kind === 'local') {
      this.logger.info(`Uploading dataset ${ds.name} for the job (${ds.path})`);
      const local = await hashLocalContent(ds.path, this.logger, this.signal);
      await uploadFolder(this.ctx, local);
      uri = `azureml://datastores/${local.datastore!.name}/paths/${local.uploadPath}`;
    }
    this.inputs.set(ds.name, uri);
    return uri;
  }

  /** The check-job program and the check's spec as a code version named by their content (uploaded when new). */
  async codeId(spec: CheckJobSpec, programDir: string): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'staging-check-job-'));
    this.dirs.push(dir);
    // The program with its chunks (NNN.index.js), and the spec beside it.
    cpSync(programDir, dir, { recursive: true });
    writeFileSync(join(dir, JOB_SPEC_FILE), `${JSON.stringify(spec, null, 1)}\n`);
    const { client, scope } = this.conn;
    const local = await hashLocalContent(dir, this.logger, this.signal);
    const name = `staging-check-${local.content.hash.slice(0, 32)}`;
    if (!(await client.assets.getCodeVersion(scope.resourceGroup, scope.workspaceName, name, '1'))) {
      const codeUri = await uploadFolder(this.ctx, local);
      await client.assets.createOrUpdateCodeVersion(scope.resourceGroup, scope.workspaceName, name, '1', { properties: { codeUri, isAnonymous: true, description: `aml-lifecycle staging check ${spec.check.name}` } });
      this.logger.info(`Code ${name}:1 uploaded (the check-job program and the spec of ${spec.check.name}).`);
    }
    return `${workspaceId(scope)}/codes/${name}/versions/1`;
  }

  /** The environment the check's job runs in. */
  async environmentId(check: JobCheck): Promise<string> {
    const { client, scope } = this.conn;
    const named = check.runOn!.environment;
    if (named) {
      const m = ENVIRONMENT_REF.exec(named.value)!;
      return environmentId(scope, { name: m[1]!, version: m[2]! });
    }
    if (this.defaultEnvironment) return this.defaultEnvironment;
    const version = defaultEnvironmentVersion();
    const { name, image, condaFile } = DEFAULT_ENVIRONMENT;
    if (!(await client.assets.getEnvironmentVersion(scope.resourceGroup, scope.workspaceName, name, version))) {
      await client.assets.createOrUpdateEnvironmentVersion(scope.resourceGroup, scope.workspaceName, name, version, {
        properties: { image, condaFile, osType: 'Linux', description: 'Node.js for aml-lifecycle staging checks that run on a compute cluster' },
      });
      this.logger.info(`Environment ${name}:${version} registered (${image} with nodejs from conda-forge).`);
    }
    this.defaultEnvironment = environmentId(scope, { name, version });
    return this.defaultEnvironment;
  }

  cleanup(): void {
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}
