/**
 * Online endpoints and their deployments (managed and Kubernetes), raw at the client's api-version: the SDK's
 * 2022-10-01 models drop newer fields (mirrorTraffic details, data collectors), so nothing here goes through them.
 */
import type { ArmCore } from './arm-core';
import type { LroResult } from './lro';
import { childPath, refs, workspacePath } from './refs';
import type { EndpointAuthKeys, EndpointAuthToken, OnlineDeployment, OnlineDeploymentProperties, OnlineEndpoint, OnlineEndpointProperties } from './resources';

export interface OnlineEndpointBody {
  location: string;
  properties: Partial<OnlineEndpointProperties> & { authMode: string };
  identity?: OnlineEndpoint['identity'];
  tags?: Record<string, string>;
  kind?: string;
  sku?: OnlineEndpoint['sku'];
}

export interface OnlineDeploymentBody {
  location: string;
  properties: Partial<OnlineDeploymentProperties> & { endpointComputeType: string };
  sku?: { name: string; capacity?: number; tier?: string };
  tags?: Record<string, string>;
  identity?: OnlineDeployment['identity'];
  kind?: string;
}

export type LogContainer = 'StorageInitializer' | 'InferenceServer';

export class OnlineOperations {
  constructor(private readonly core: ArmCore) {}

  private endpointPath(rg: string, ws: string, endpoint: string): string {
    return childPath(workspacePath(this.core.subscriptionId, rg, ws), 'onlineEndpoints', endpoint);
  }

  private deploymentPath(rg: string, ws: string, endpoint: string, deployment: string): string {
    return childPath(this.endpointPath(rg, ws, endpoint), 'deployments', deployment);
  }

  private endpointCtx(verb: string, rg: string, ws: string, name: string) {
    return { operation: `${verb} online endpoint '${name}'`, ref: refs.inWorkspace('online endpoint', name, rg, ws) };
  }

  private deploymentCtx(verb: string, rg: string, ws: string, endpoint: string, name: string) {
    return {
      operation: `${verb} deployment '${name}' of online endpoint '${endpoint}'`,
      ref: { kind: 'online deployment', name, scope: `online endpoint '${endpoint}' in workspace '${ws}' (resource group '${rg}')` },
    };
  }

  // ---- endpoints ----

  getEndpoint(rg: string, ws: string, name: string): Promise<OnlineEndpoint | undefined> {
    return this.core.rawGet<OnlineEndpoint>(this.endpointPath(rg, ws, name), this.endpointCtx('get', rg, ws, name));
  }

  /** PUT the whole endpoint (the only way to change traffic or mirror traffic); followed to the end. */
  createOrUpdateEndpoint(rg: string, ws: string, name: string, body: OnlineEndpointBody): Promise<LroResult<OnlineEndpoint>> {
    return this.core.lro<OnlineEndpoint>('PUT', this.endpointPath(rg, ws, name), body, this.endpointCtx('create or update', rg, ws, name), 'original-uri');
  }

  /** Delete an online endpoint; an endpoint that does not exist counts as deleted. */
  deleteEndpoint(rg: string, ws: string, name: string): Promise<LroResult<undefined>> {
    return this.core.lro<undefined>('DELETE', this.endpointPath(rg, ws, name), undefined, this.endpointCtx('delete', rg, ws, name));
  }

  /** The endpoint's keys (Key auth). Callers mask them before anything can print them. */
  async listKeys(rg: string, ws: string, name: string): Promise<EndpointAuthKeys> {
    const keys = await this.core.rawPost<EndpointAuthKeys>(`${this.endpointPath(rg, ws, name)}/listKeys`, undefined, this.endpointCtx('list the keys of', rg, ws, name));
    for (const k of [keys?.primaryKey, keys?.secondaryKey]) if (k) this.core.onSecret?.(k);
    return keys ?? {};
  }

  /** An AML token for an AMLToken endpoint; masked as soon as it arrives. */
  async getToken(rg: string, ws: string, name: string): Promise<EndpointAuthToken> {
    const token = await this.core.rawPost<EndpointAuthToken>(`${this.endpointPath(rg, ws, name)}/token`, undefined, this.endpointCtx('get a token for', rg, ws, name));
    if (token?.accessToken) this.core.onSecret?.(token.accessToken);
    return token ?? {};
  }

  // ---- deployments ----

  getDeployment(rg: string, ws: string, endpoint: string, name: string): Promise<OnlineDeployment | undefined> {
    return this.core.rawGet<OnlineDeployment>(this.deploymentPath(rg, ws, endpoint, name), this.deploymentCtx('get', rg, ws, endpoint, name));
  }

  listDeployments(rg: string, ws: string, endpoint: string): Promise<OnlineDeployment[]> {
    return this.core.listAt<OnlineDeployment>(`${this.endpointPath(rg, ws, endpoint)}/deployments`, this.endpointCtx('list the deployments of', rg, ws, endpoint));
  }

  createOrUpdateDeployment(rg: string, ws: string, endpoint: string, name: string, body: OnlineDeploymentBody): Promise<LroResult<OnlineDeployment>> {
    return this.core.lro<OnlineDeployment>('PUT', this.deploymentPath(rg, ws, endpoint, name), body, this.deploymentCtx('create or update', rg, ws, endpoint, name), 'original-uri');
  }

  /** PATCH changes only tags and sku (scaling); anything else needs a full PUT. */
  updateDeployment(rg: string, ws: string, endpoint: string, name: string, patch: { sku?: { capacity: number }; tags?: Record<string, string> }): Promise<LroResult<OnlineDeployment>> {
    return this.core.lro<OnlineDeployment>('PATCH', this.deploymentPath(rg, ws, endpoint, name), patch, this.deploymentCtx('update', rg, ws, endpoint, name));
  }

  deleteDeployment(rg: string, ws: string, endpoint: string, name: string): Promise<LroResult<undefined>> {
    return this.core.lro<undefined>('DELETE', this.deploymentPath(rg, ws, endpoint, name), undefined, this.deploymentCtx('delete', rg, ws, endpoint, name));
  }

  /** The tail of a container's log (storage-initializer or inference-server). */
  async getLogs(rg: string, ws: string, endpoint: string, name: string, containerType: LogContainer, tail = 200): Promise<string> {
    const logs = await this.core.rawPost<{ content?: string }>(
      `${this.deploymentPath(rg, ws, endpoint, name)}/getLogs`,
      { containerType, tail },
      this.deploymentCtx(`read the ${containerType} logs of`, rg, ws, endpoint, name),
    );
    return logs?.content ?? '';
  }
}
