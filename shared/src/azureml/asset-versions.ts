/**
 * Environment and code versions (what a deployment runs with), and the location's quota (`usages`) and VM sizes,
 * raw at the client's api-version. Environment and code version PUTs answer at once (200/201).
 */
import type { ArmCore } from './arm-core';
import { childPath, refs, segment, workspacePath } from './refs';
import type { Usage, VirtualMachineSize } from './resources';

export interface EnvironmentVersion {
  id?: string;
  name?: string;
  systemData?: { createdAt?: string };
  properties: { image?: string; condaFile?: string; build?: { contextUri?: string; dockerfilePath?: string }; osType?: string; isAnonymous?: boolean; [key: string]: unknown };
}

export interface CodeVersion {
  id?: string;
  name?: string;
  properties: { codeUri: string; isAnonymous?: boolean; description?: string; [key: string]: unknown };
}

export interface DataVersionBody {
  id?: string;
  properties: { dataType: 'uri_folder' | 'uri_file' | 'mltable'; dataUri: string; description?: string; tags?: Record<string, string>; [key: string]: unknown };
}

export class AssetVersionOperations {
  constructor(private readonly core: ArmCore) {}

  private versionPath(rg: string, ws: string, family: 'environments' | 'codes' | 'data', name: string, version: string): string {
    return childPath(workspacePath(this.core.subscriptionId, rg, ws), family, name, 'versions', version);
  }

  private ctx(verb: string, kind: string, rg: string, ws: string, name: string, version: string) {
    return { operation: `${verb} ${kind} ${name}:${version}`, ref: refs.inWorkspace(kind, `${name}:${version}`, rg, ws) };
  }

  getEnvironmentVersion(rg: string, ws: string, name: string, version: string): Promise<EnvironmentVersion | undefined> {
    return this.core.rawGet(this.versionPath(rg, ws, 'environments', name, version), this.ctx('get', 'environment', rg, ws, name, version));
  }

  async createOrUpdateEnvironmentVersion(rg: string, ws: string, name: string, version: string, body: EnvironmentVersion): Promise<EnvironmentVersion> {
    const r = await this.core.lro<EnvironmentVersion>('PUT', this.versionPath(rg, ws, 'environments', name, version), body, this.ctx('create', 'environment', rg, ws, name, version));
    return r.resource ?? body;
  }

  /** Every version of an environment (empty when the environment does not exist). */
  listEnvironmentVersions(rg: string, ws: string, name: string): Promise<EnvironmentVersion[]> {
    const path = childPath(workspacePath(this.core.subscriptionId, rg, ws), 'environments', name, 'versions');
    return this.core.listAt<EnvironmentVersion>(path, { operation: `list the versions of environment ${name}`, ref: refs.inWorkspace('environment', name, rg, ws) });
  }

  getCodeVersion(rg: string, ws: string, name: string, version: string): Promise<CodeVersion | undefined> {
    return this.core.rawGet(this.versionPath(rg, ws, 'codes', name, version), this.ctx('get', 'code', rg, ws, name, version));
  }

  async createOrUpdateCodeVersion(rg: string, ws: string, name: string, version: string, body: CodeVersion): Promise<CodeVersion> {
    const r = await this.core.lro<CodeVersion>('PUT', this.versionPath(rg, ws, 'codes', name, version), body, this.ctx('create', 'code', rg, ws, name, version));
    return r.resource ?? body;
  }

  getDataVersion(rg: string, ws: string, name: string, version: string): Promise<DataVersionBody | undefined> {
    return this.core.rawGet(this.versionPath(rg, ws, 'data', name, version), this.ctx('get', 'data asset', rg, ws, name, version));
  }

  async createOrUpdateDataVersion(rg: string, ws: string, name: string, version: string, body: DataVersionBody): Promise<DataVersionBody> {
    const r = await this.core.lro<DataVersionBody>('PUT', this.versionPath(rg, ws, 'data', name, version), body, this.ctx('create', 'data asset', rg, ws, name, version));
    return r.resource ?? body;
  }

  /** vCPU usage and limits per VM family in a location (the quota a deployment draws on). */
  listUsages(location: string): Promise<Usage[]> {
    const path = `/subscriptions/${segment(this.core.subscriptionId)}/providers/Microsoft.MachineLearningServices/locations/${segment(location)}/usages`;
    return this.core.listAt<Usage>(path, { operation: `list the vCPU quota of ${location}` });
  }

  /** The VM sizes Azure ML offers in a location. */
  async listVmSizes(location: string): Promise<VirtualMachineSize[]> {
    const path = `/subscriptions/${segment(this.core.subscriptionId)}/providers/Microsoft.MachineLearningServices/locations/${segment(location)}/vmSizes`;
    const body = await this.core.rawGet<{ value?: VirtualMachineSize[] }>(path, { operation: `list the VM sizes of ${location}` });
    return body?.value ?? [];
  }
}
