/**
 * The ARM front door: bearer check, api-version, subscription / resource group / workspace existence, RBAC,
 * then the resource-type handler. GETs run on a settled copy of the state; every other method is a
 * read-modify-write under the state lock.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { IdentityService, VerifiedToken } from '../identity';
import { ARM_AUDIENCES } from '../identity';
import type { JsonStore } from '../state/json-store';
import type { ArmState } from '../state/model';
import { key } from '../state/model';
import type { Reply } from '../http';
import { parseJson } from '../http';
import { needsSettle, settle } from '../lro/settle';
import { verifySignature, mfePollPath } from '../lro/poll-urls';
import { findOperation, operationNotFound, renderMfeResult, renderMfeStatus } from '../lro/poll-routes';
import type { ArmCall, Handler, InferenceLogReader, ResourceTypeHandler } from './call';
import { armError, gatewayError } from './errors';
import { checkMlApiVersion, checkResourcesApiVersion, missingApiVersion } from './api-versions';
import { authorize } from './rbac';
import type { ArmTarget } from './target';
import { ML_PROVIDER, parseArmPath, resourceId, rgId } from './target';
import { getResource, page } from './resource-helpers';
import { findResourceType } from './type-lookup';
import { insightsTarget, serveInsights, type MetricsDeps } from './metrics';

export interface ArmRequest {
  method: string;
  url: URL;
  baseUrl: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The shared state as peeked at the start of this request, if the caller already did (else peeked here). */
  snapshot?: Readonly<ArmState>;
}

export interface ArmOutcome {
  reply: Reply;
  /** Object id of the authenticated caller. */
  principal?: string;
  requestBody?: unknown;
}

type Run = (state: ArmState) => Reply;

function verbFor(method: string, action?: string): string {
  if (action) return `${action}/action`;
  if (method === 'GET') return 'read';
  if (method === 'DELETE') return 'delete';
  return 'write';
}

function methodNotAllowed(method: string): Reply {
  return armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
}

export class ArmRouter {
  constructor(
    private readonly store: JsonStore<ArmState>,
    private readonly identity: IdentityService,
    private readonly types: ResourceTypeHandler[],
    /** `metrics` serves {resourceId}/providers/Microsoft.Insights/metrics[Definitions]; `inferenceLog` live getLogs. */
    private readonly services: Partial<MetricsDeps> & { inferenceLog?: InferenceLogReader } = {},
  ) {}

  async handle(r: ArmRequest): Promise<ArmOutcome> {
    const outcome = await this.route(r);
    const correlation = String(r.headers['x-ms-correlation-request-id'] ?? randomUUID());
    outcome.reply.headers = { 'x-ms-request-id': randomUUID(), 'x-ms-correlation-request-id': correlation, ...(outcome.reply.headers ?? {}) };
    return outcome;
  }

  private async route(r: ArmRequest): Promise<ArmOutcome> {
    const auth = this.identity.verifyBearer(r.headers.authorization, ARM_AUDIENCES);
    if (!auth.ok) {
      const tenant = this.identity.world().tenantId;
      const reply = armError(401, auth.code, auth.message, {
        'WWW-Authenticate': `Bearer authorization_uri="${r.baseUrl}/entra/${tenant}", error="invalid_token", error_description="${auth.message.replace(/"/g, "'")}"`,
      });
      return { reply };
    }
    const principal = auth.token;
    let requestBody: unknown;
    if (r.method !== 'GET' && r.method !== 'DELETE') {
      const parsed = parseJson(r.body);
      if (parsed.error) {
        return {
          principal: principal.principalId,
          reply: armError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${parsed.error}'.`),
        };
      }
      requestBody = parsed.value;
    }
    const reply = await this.dispatch(r, principal, requestBody);
    return { reply, principal: principal.principalId, requestBody };
  }

  private async dispatch(r: ArmRequest, principal: VerifiedToken, body: unknown): Promise<Reply> {
    const apiVersion = r.url.searchParams.get('api-version');
    if (!apiVersion) return missingApiVersion();
    const target = parseArmPath(r.url.pathname, r.method);
    if (target.kind === 'unknown') return this.unknownPath(r);
    // One consistent snapshot (one stat of the state file) serves the whole look-only part of the request.
    const snapshot = (r.snapshot ?? this.store.peek()) as ArmState;
    if (!snapshot.subscriptions[key(target.subscriptionId)]) {
      return armError(404, 'SubscriptionNotFound', `The subscription '${target.subscriptionId}' could not be found.`);
    }
    const now = Date.now();
    const deny = (action: string, scope: string) => authorize(snapshot, principal.principalId, principal.appId, action, scope);
    const metrics = this.services.metrics;
    const insights = metrics && insightsTarget(r.url.pathname);
    if (insights) {
      if (r.method !== 'GET') return methodNotAllowed(r.method);
      return deny(`Microsoft.Insights/${insights.what}/read`, insights.resourceId) ?? serveInsights({ metrics }, this.settled(now, snapshot), insights, r.url, now);
    }

    switch (target.kind) {
      case 'subscription':
      case 'resourceGroups':
      case 'resourceGroup':
        return this.resources(r, target, apiVersion, deny, snapshot);
      case 'operation':
        return this.poll(r, target, apiVersion, now, deny, snapshot);
      case 'provider':
        return (
          this.subscriptionList(r, target, apiVersion, now, principal, deny, snapshot) ??
          armError(
            404,
            'NoRegisteredProviderFound',
            `No registered resource provider found for namespace '${target.namespace}' and path '${target.rest.join('/')}' (api version '${apiVersion}').`,
          )
        );
      case 'resource':
        return this.resource(r, target, apiVersion, now, principal, body, deny, snapshot);
    }
  }

  /** GET /subscriptions/{s}/providers/{namespace}/{type} for a type whose handler lists by subscription. */
  private subscriptionList(
    r: ArmRequest,
    t: Extract<ArmTarget, { kind: 'provider' }>,
    apiVersion: string,
    now: number,
    principal: VerifiedToken,
    deny: (action: string, scope: string) => Reply | undefined,
    snapshot: ArmState,
  ): Reply | undefined {
    if (t.resourceGroup !== undefined) return undefined;
    const onPath = (p: string[]) => t.rest.length === p.length * 2 - 1 && p.every((x, i) => x.toLowerCase() === t.rest[i * 2].toLowerCase());
    const handler = this.types.find(
      (h) => h.listBySubscription && onPath(h.path) && (h.namespace ?? ML_PROVIDER).toLowerCase() === t.namespace.toLowerCase(),
    );
    if (!handler?.listBySubscription) return undefined;
    const namespace = handler.namespace ?? ML_PROVIDER;
    const names = t.rest.filter((_, i) => i % 2 === 1);
    const bad = checkMlApiVersion(apiVersion, handler.path.join('/'), names[0] ?? 'global', handler.apiVersions);
    if (bad) return bad;
    const subScope = `/subscriptions/${t.subscriptionId}`;
    const type = `${namespace}/${handler.path.join('/')}`;
    const denied = deny(`${type}/read`, subScope);
    if (denied) return denied;
    if (r.method !== 'GET') return methodNotAllowed(r.method);
    const state = this.settled(now, snapshot);
    return handler.listBySubscription({
      method: r.method,
      url: r.url,
      baseUrl: r.baseUrl,
      body: undefined,
      apiVersion,
      now,
      principal,
      subscriptionId: t.subscriptionId,
      resourceGroup: '',
      type,
      names,
      id: `${subScope}/providers/${namespace}/${t.rest.join('/')}`,
      parentId: subScope,
      state,
    });
  }

  private unknownPath(r: ArmRequest): Reply {
    return armError(404, 'InvalidResourceType', `The resource type could not be found for path '${r.url.pathname}'.`);
  }

  private resources(
    r: ArmRequest,
    t: Extract<ArmTarget, { kind: 'subscription' | 'resourceGroups' | 'resourceGroup' }>,
    apiVersion: string,
    deny: (action: string, scope: string) => Reply | undefined,
    state: ArmState,
  ): Reply {
    const bad = checkResourcesApiVersion(apiVersion);
    if (bad) return bad;
    if (r.method !== 'GET') return methodNotAllowed(r.method);
    const sub = state.subscriptions[key(t.subscriptionId)];
    const subScope = `/subscriptions/${sub.subscriptionId}`;
    if (t.kind === 'subscription') {
      const denied = deny('Microsoft.Resources/subscriptions/read', subScope);
      return (
        denied ?? {
          status: 200,
          body: {
            id: subScope,
            subscriptionId: sub.subscriptionId,
            tenantId: sub.tenantId,
            displayName: sub.displayName,
            state: 'Enabled',
            subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
            authorizationSource: 'RoleBased',
          },
        }
      );
    }
    const rgView = (g: { id: string; name: string; location: string }) => ({
      id: g.id,
      name: g.name,
      type: 'Microsoft.Resources/resourceGroups',
      location: g.location,
      properties: { provisioningState: 'Succeeded' },
    });
    if (t.kind === 'resourceGroups') {
      const denied = deny('Microsoft.Resources/subscriptions/resourceGroups/read', `${subScope}/resourceGroups`);
      if (denied) return denied;
      const groups = Object.values(state.resourceGroups).filter((g) => g.subscriptionId.toLowerCase() === sub.subscriptionId.toLowerCase());
      return { status: 200, body: { value: groups.map(rgView) } };
    }
    const id = rgId(sub.subscriptionId, t.resourceGroup);
    const denied = deny('Microsoft.Resources/subscriptions/resourceGroups/read', id);
    if (denied) return denied;
    const g = state.resourceGroups[key(id)];
    return g ? { status: 200, body: rgView(g) } : armError(404, 'ResourceGroupNotFound', `Resource group '${t.resourceGroup}' could not be found.`);
  }

  private poll(
    r: ArmRequest,
    t: Extract<ArmTarget, { kind: 'operation' }>,
    apiVersion: string,
    now: number,
    deny: (action: string, scope: string) => Reply | undefined,
    state: ArmState,
  ): Reply {
    const op = findOperation(state, t.token);
    if (!op) return operationNotFound(t.token);
    if (!verifySignature(state.signingKey, mfePollPath(op, t.pollKind), r.url.searchParams.get('sig'))) {
      return armError(403, 'InvalidSignature', 'The signature of this polling URL is invalid. Use the URL the service returned, unchanged.');
    }
    const bad = checkMlApiVersion(apiVersion, `locations/${t.pollKind}`, op.location);
    if (bad) return bad;
    const denied = deny(`${op.resourceType}/read`, op.resourceId);
    if (denied) return denied;
    if (r.method !== 'GET') return methodNotAllowed(r.method);
    return t.pollKind === 'mfeOperationsStatus' ? renderMfeStatus(op, now) : renderMfeResult(op, now, r.url.toString());
  }

  private async resource(
    r: ArmRequest,
    t: Extract<ArmTarget, { kind: 'resource' }>,
    apiVersion: string,
    now: number,
    principal: VerifiedToken,
    body: unknown,
    deny: (action: string, scope: string) => Reply | undefined,
    snapshot: ArmState,
  ): Promise<Reply> {
    const found = findResourceType(this.types, t, apiVersion);
    if ('status' in found) return found;
    const handler = found.handler;
    const namespace = handler.namespace ?? ML_PROVIDER;
    const isMl = namespace === ML_PROVIDER;
    const type = `${namespace}/${handler.path.join('/')}`;
    // An extension resource: its id hangs off the (canonically spelled) resource it sits on.
    const parentCanon = found.parentType?.split('/');
    const scope = t.parent && parentCanon ? resourceId(t.subscriptionId, t.resourceGroup, parentCanon[0], parentCanon.slice(1), t.parent.names) : undefined;
    const id = resourceId(t.subscriptionId, t.resourceGroup, namespace, handler.path, t.names, scope);
    const rg = snapshot.resourceGroups[key(rgId(t.subscriptionId, t.resourceGroup))];
    const wsId = isMl && !scope && handler.path[0] === 'workspaces' && t.names.length > 0 ? resourceId(t.subscriptionId, t.resourceGroup, namespace, ['workspaces'], [t.names[0]]) : undefined;
    const location = String((wsId && getResource(snapshot, wsId)?.body.location) ?? (scope && getResource(snapshot, scope)?.body.location) ?? rg?.location ?? 'eastus');
    const bad = checkMlApiVersion(apiVersion, handler.path.join('/'), location, handler.apiVersions);
    if (bad) return bad;
    const denied = deny(`${type}/${verbFor(r.method, t.action)}`, id);
    if (denied) return denied;

    const fn = this.pick(handler, r.method, t);
    if (!fn) return methodNotAllowed(r.method);
    const prepared = handler.prepare && r.method === 'PUT' && !t.collection ? await handler.prepare({ id, baseUrl: r.baseUrl, body, state: snapshot }) : undefined;

    const run: Run = (state) => {
      if (!state.resourceGroups[key(rgId(t.subscriptionId, t.resourceGroup))]) {
        return armError(404, 'ResourceGroupNotFound', `Resource group '${t.resourceGroup}' could not be found.`);
      }
      let workspace;
      if (wsId) {
        workspace = getResource(state, wsId);
        if (!workspace) {
          return gatewayError(
            404,
            'ResourceNotFound',
            `The Resource '${namespace}/workspaces/${t.names[0]}' under resource group '${t.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
          );
        }
      }
      if (scope && parentCanon && !getResource(state, scope)) {
        return gatewayError(
          404,
          'ResourceNotFound',
          `The Resource '${parentCanon.join('/')}/${t.parent!.names.join('/')}' under resource group '${t.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
        );
      }
      const names = t.names;
      const parentId =
        scope && handler.path.length === 1
          ? scope
          : t.collection
            ? id.slice(0, id.lastIndexOf('/'))
            : id.slice(0, id.lastIndexOf('/', id.lastIndexOf('/') - 1));
      const call: ArmCall = {
        method: r.method,
        url: r.url,
        baseUrl: r.baseUrl,
        body,
        apiVersion,
        now,
        principal,
        subscriptionId: t.subscriptionId,
        resourceGroup: t.resourceGroup,
        type,
        names,
        id,
        parentId,
        workspace,
        action: t.action,
        state,
        inferenceLog: this.services.inferenceLog,
        prepared,
      };
      return fn(call);
    };

    if (r.method === 'GET') return run(this.settled(now, snapshot));
    return this.store.update((state) => {
      settle(state, now);
      return run(state);
    });
  }

  /**
   * The state a GET answers from: the shared read-only snapshot when no finished operation is waiting to be
   * applied (the common case, no parse), else a private copy with the operations settled.
   */
  private settled(now: number, snapshot: ArmState): ArmState {
    if (!needsSettle(snapshot, now)) return snapshot;
    const state = this.store.read();
    settle(state, now);
    return state;
  }

  private pick(h: ResourceTypeHandler, method: string, t: Extract<ArmTarget, { kind: 'resource' }>): Handler | undefined {
    if (t.collection) return method === 'GET' ? (h.list ?? ((c) => page(c, []))) : undefined;
    if (t.action) return method === 'POST' ? h.actions?.[t.action.toLowerCase()] : undefined;
    switch (method) {
      case 'GET':
        return h.get;
      case 'PUT':
        return h.put;
      case 'PATCH':
        return h.patch;
      case 'DELETE':
        return h.delete;
      default:
        return undefined;
    }
  }
}
