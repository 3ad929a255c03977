/**
 * Workspace schedules (`.../workspaces/{w}/schedules/{name}`), model monitors (CreateMonitor) among them. A PUT is
 * checked against the GA contract (specs/monitor/contract.ts, the same check the step runs) and, for a monitor,
 * against the workspace: the monitored deployment and every `azureml:<name>:<version>` data input must exist. The
 * service stores the body normalised (enum spelling, window durations, defaults: specs/monitor/normalize.ts) and
 * the PUT is a long-running operation (201 + Azure-AsyncOperation, Creating/Updating → Succeeded). DELETE is 202 +
 * operation (204 when there is nothing). The list takes `listViewType` (EnabledOnly by default). At api-version
 * 2022-10-01, which predates monitors, CreateMonitor is refused. Monitor runs: monitors/run.ts.
 */
import type { Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall, ResourceTypeHandler } from './call';
import { childrenOf, getResource, page, propertiesOf, putResource, systemData, writableBody, startWorkspaceOperation } from './resource-helpers';
import { render } from './render';
import { mfeNotFound, userError } from './errors';
import { ML_PROVIDER } from './target';
import { busy } from '../lro/settle';
import { mfeAcceptedHeaders, mfeCreateHeaders } from '../lro/poll-urls';
import { conflict } from './online-endpoints';
import { retryAfter } from './batch-endpoints';
import { scheduleContractProblems } from '../../../src/specs/monitor/contract';
import { normalizeSchedule } from '../../../src/specs/monitor/normalize';

export const SCHEDULE_TYPE = `${ML_PROVIDER}/workspaces/schedules`;
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/;
const DATA_REF = /^azureml:([A-Za-z0-9_][\w.-]*):([\w.-]+)$/;

function bad(message: string, details: string[] = []): Reply {
  const reply = userError(message, { code: 'BadArgument', message: details.length ? details.join('; ') : message });
  return reply;
}

function withState(body: Json, provisioningState: string): Json {
  return { ...body, properties: { ...propertiesOf(body), provisioningState } };
}

/** Every `uri` of the monitor's data inputs. */
function dataUris(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => dataUris(x, out));
  else if (isObject(v)) for (const [k, x] of Object.entries(v)) k === 'uri' && typeof x === 'string' ? out.push(x) : dataUris(x, out);
  return out;
}

/** What the workspace lacks for a monitor: the deployment, the data versions. */
function monitorProblems(c: ArmCall, def: Json): string[] {
  const problems: string[] = [];
  const target = isObject(def.monitoringTarget) ? def.monitoringTarget : {};
  if (typeof target.deploymentId === 'string') {
    const dep = getResource(c.state, target.deploymentId);
    if (!dep || !/\/onlineEndpoints\/[^/]+\/deployments\/[^/]+$/i.test(dep.id)) problems.push(`monitoringTarget.deploymentId: the online deployment '${target.deploymentId}' does not exist`);
  }
  for (const uri of new Set(dataUris(def.signals))) {
    const m = DATA_REF.exec(uri);
    if (m && !getResource(c.state, `${c.workspace!.id}/data/${m[1]}/versions/${m[2]}`)) problems.push(`data asset ${uri} does not exist in workspace '${c.names[0]}'`);
  }
  return problems;
}

function put(c: ArmCall): Reply {
  const name = c.names[1]!;
  if (!NAME.test(name)) return bad(`The schedule name '${name}' is invalid: it must start with a letter or digit and hold only letters, digits, '-' and '_' (at most 255).`);
  const prev = getResource(c.state, c.id);
  if (busy(c.state, prev, c.now)) return conflict(c);
  if (!isObject(c.body)) return bad('The request body is required and must be a JSON object.');
  const body = writableBody(c.body);
  const problems = scheduleContractProblems(body);
  // The api-version 2022-10-01 predates CreateMonitor: its ScheduleActionType is CreateJob | InvokeBatchEndpoint.
  const actionType = String((propertiesOf(body).action as Json | undefined)?.actionType ?? '');
  if (c.apiVersion === '2022-10-01' && actionType.toLowerCase() === 'createmonitor') problems.unshift(`properties.action.actionType: must be one of CreateJob, InvokeBatchEndpoint (api-version ${c.apiVersion} has no CreateMonitor)`);
  if (problems.length) return bad(`The schedule '${name}' is not valid: ${problems.join('; ')}`, problems);
  const action = isObject(propertiesOf(body).action) ? (propertiesOf(body).action as Json) : {};
  if (String(action.actionType).toLowerCase() === 'createmonitor') {
    const missing = monitorProblems(c, isObject(action.monitorDefinition) ? action.monitorDefinition : {});
    if (missing.length) return bad(`The monitor '${name}' refers to what does not exist: ${missing.join('; ')}`, missing);
  }
  const stored = normalizeSchedule(body) as Json;
  const sd = systemData(prev?.body.systemData as Json | undefined, c);
  const running = prev ? 'Updating' : 'Creating';
  const op = startWorkspaceOperation(c, { resourceType: SCHEDULE_TYPE, kind: prev ? 'update' : 'create', prefix: 'sch', runningStatus: running });
  const desired = { ...stored, systemData: sd };
  putResource(c.state, { id: c.id, type: SCHEDULE_TYPE, createdSeq: prev?.createdSeq, body: prev ? withState(prev.body, running) : withState(desired, running), pending: desired, opId: op.id });
  const headers = { ...mfeCreateHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey), 'Retry-After': retryAfter(op) };
  return { status: 201, headers, body: render({ id: c.id, type: SCHEDULE_TYPE, body: withState(desired, running), createdSeq: 0 }) };
}

function remove(c: ArmCall): Reply {
  const prev = getResource(c.state, c.id);
  if (!prev) return { status: 204 };
  if (busy(c.state, prev, c.now)) return conflict(c);
  const op = startWorkspaceOperation(c, { resourceType: SCHEDULE_TYPE, kind: 'delete', prefix: 'sch', runningStatus: 'Deleting' });
  prev.opId = op.id;
  prev.body = withState(prev.body, 'Deleting');
  return { status: 202, headers: { ...mfeAcceptedHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey), 'Retry-After': retryAfter(op) } };
}

export function schedulesOf(c: Pick<ArmCall, 'state'>, workspaceId: string): StoredResource[] {
  return childrenOf(c.state, workspaceId, 'schedules');
}

/** Schedules_List's `listViewType`: EnabledOnly (the default), DisabledOnly or All, by `isEnabled`. */
const LIST_VIEWS = ['EnabledOnly', 'DisabledOnly', 'All'];
function list(c: ArmCall): Reply {
  const given = c.url.searchParams.get('listViewType') ?? 'EnabledOnly';
  const view = LIST_VIEWS.find((v) => v.toLowerCase() === given.toLowerCase());
  if (!view) return bad(`'listViewType' must be one of ${LIST_VIEWS.join(', ')}; got '${given}'.`);
  const items = schedulesOf(c, c.workspace!.id).filter((s) => {
    const enabled = propertiesOf(s.body).isEnabled !== false;
    return view === 'All' || (view === 'EnabledOnly' ? enabled : !enabled);
  });
  return page(c, items.map((s) => render(s)));
}

export const scheduleHandlers: ResourceTypeHandler = {
  path: ['workspaces', 'schedules'],
  list,
  get: (c) => {
    const s = getResource(c.state, c.id);
    return s ? { status: 200, body: render(s) } : mfeNotFound('schedule', c.names[1]!);
  },
  put,
  delete: remove,
};
