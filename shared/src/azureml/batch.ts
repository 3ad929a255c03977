/**
 * Batch endpoints and their deployments, raw at the client's api-version (reference §3.5). The default deployment
 * is set by re-PUTting the endpoint with `defaults.deploymentName` (PATCH has no `defaults`).
 */
import type { ArmCore } from './arm-core';
import type { LroResult } from './lro';
import { childPath, refs, workspacePath } from './refs';

export interface BatchEndpoint {
  id?: string;
  name?: string;
  location?: string;
  tags?: Record<string, string>;
  properties: {
    authMode: string;
    description?: string;
    properties?: Record<string, string>;
    defaults?: { deploymentName?: string | null } | null;
    scoringUri?: string | null;
    provisioningState?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface BatchDeployment {
  id?: string;
  name?: string;
  location?: string;
  tags?: Record<string, string>;
  properties: Record<string, unknown> & { provisioningState?: string };
  [key: string]: unknown;
}

export interface BatchEndpointWrite {
  location: string;
  tags?: Record<string, string>;
  properties: BatchEndpoint['properties'];
}

export interface BatchDeploymentWrite {
  location: string;
  tags?: Record<string, string>;
  properties: Record<string, unknown>;
}

export class BatchOperations {
  constructor(private readonly core: ArmCore) {}

  private endpointPath(rg: string, ws: string, endpoint: string): string {
    return childPath(workspacePath(this.core.subscriptionId, rg, ws), 'batchEndpoints', endpoint);
  }

  private deploymentPath(rg: string, ws: string, endpoint: string, deployment: string): string {
    return childPath(this.endpointPath(rg, ws, endpoint), 'deployments', deployment);
  }

  private endpointCtx(verb: string, rg: string, ws: string, name: string) {
    return { operation: `${verb} batch endpoint '${name}'`, ref: refs.inWorkspace('batch endpoint', name, rg, ws) };
  }

  private deploymentCtx(verb: string, rg: string, ws: string, endpoint: string, name: string) {
    return {
      operation: `${verb} deployment '${name}' of batch endpoint '${endpoint}'`,
      ref: { kind: 'batch deployment', name, scope: `batch endpoint '${endpoint}' in workspace '${ws}' (resource group '${rg}')` },
    };
  }

  getEndpoint(rg: string, ws: string, name: string): Promise<BatchEndpoint | undefined> {
    return this.core.rawGet<BatchEndpoint>(this.endpointPath(rg, ws, name), this.endpointCtx('get', rg, ws, name));
  }

  createOrUpdateEndpoint(rg: string, ws: string, name: string, body: BatchEndpointWrite): Promise<LroResult<BatchEndpoint>> {
    return this.core.lro<BatchEndpoint>('PUT', this.endpointPath(rg, ws, name), body, this.endpointCtx('create or update', rg, ws, name), 'original-uri');
  }

  getDeployment(rg: string, ws: string, endpoint: string, name: string): Promise<BatchDeployment | undefined> {
    return this.core.rawGet<BatchDeployment>(this.deploymentPath(rg, ws, endpoint, name), this.deploymentCtx('get', rg, ws, endpoint, name));
  }

  listDeployments(rg: string, ws: string, endpoint: string): Promise<BatchDeployment[]> {
    return this.core.listAt<BatchDeployment>(`${this.endpointPath(rg, ws, endpoint)}/deployments`, this.endpointCtx('list the deployments of', rg, ws, endpoint));
  }

  createOrUpdateDeployment(rg: string, ws: string, endpoint: string, name: string, body: BatchDeploymentWrite): Promise<LroResult<BatchDeployment>> {
    return this.core.lro<BatchDeployment>('PUT', this.deploymentPath(rg, ws, endpoint, name), body, this.deploymentCtx('create or update', rg, ws, endpoint, name), 'original-uri');
  }

  deleteDeployment(rg: string, ws: string, endpoint: string, name: string): Promise<LroResult<undefined>> {
    return this.core.lro<undefined>('DELETE', this.deploymentPath(rg, ws, endpoint, name), undefined, this.deploymentCtx('delete', rg, ws, endpoint, name));
  }
}
