/**
 * Control-surface routes for online deployments (`/_emulator/online/...`, no auth, loopback only):
 *
 *   POST   /_emulator/online/failures  {kind, deployment?, endpoint?, times?, message?, logs?}  → 201 {id}
 *          kind: ImageBuildFailure | OutOfQuota | CrashLoop | LivenessProbeFailure | ReadinessProbeFailure, or one of the
 *          Kubernetes classes ImagePullLoopBackOff | DeploymentCrashLoopBackOff | PodUnschedulable (these only hit
 *          Kubernetes deployments; an OutOfQuota on one reports "Kubernetes unschedulable: ...").
 *          With `deployment`: every operation on that deployment (or `times` of them); without: the next `times`
 *          (default 1) deployment create/update operations.
 *   GET    /_emulator/online/failures                                            → {failures}
 *   DELETE /_emulator/online/failures                                            → 204
 *   PUT    /_emulator/online/quota     {limits: {<family | VM size | total>: vCPUs}, location?} → {quota}
 *   GET    /_emulator/online/quota                                               → {quota, defaults}
 *   DELETE /_emulator/online/quota                                               → 204 (back to the defaults)
 *   PUT    /_emulator/online/logs      {deploymentId, storageInitializer?, inferenceServer?} → 204
 */
import type { JsonStore } from '../state/json-store';
import type { ArmState } from '../state/model';
import type { Reply } from '../http';
import { isObject, json } from '../http';
import type { DeploymentFailureSpec } from './online-state';
import { FAILURE_KINDS, addFailure, online, setLogs } from './online-state';
import { DEFAULT_FAMILY_LIMIT, DEFAULT_TOTAL_LIMIT, setLimits } from './vm-sizes';

function bad(message: string): Reply {
  return json(400, { error: { code: 'BadRequest', message } });
}

function checkFailure(v: unknown): DeploymentFailureSpec | string {
  if (!isObject(v)) return 'body must be a JSON object';
  if (!FAILURE_KINDS.includes(v.kind as never)) return `'kind' must be one of ${FAILURE_KINDS.join(', ')}`;
  for (const f of ['deployment', 'endpoint', 'message'] as const) {
    if (v[f] !== undefined && typeof v[f] !== 'string') return `'${f}' must be a string`;
  }
  if (v.times !== undefined && (typeof v.times !== 'number' || !Number.isInteger(v.times) || v.times < 1)) return "'times' must be a positive integer";
  if (v.logs !== undefined && (!isObject(v.logs) || Object.values(v.logs).some((x) => typeof x !== 'string'))) {
    return "'logs' must be {storageInitializer?, inferenceServer?} strings";
  }
  return v as unknown as DeploymentFailureSpec;
}

/** Serves `/_emulator/online/...`; undefined for any other route. */
export async function handleOnlineControl(store: JsonStore<ArmState>, method: string, route: string, body: unknown): Promise<Reply | undefined> {
  if (!route.startsWith('/_emulator/online/')) return undefined;
  switch (`${method} ${route}`) {
    case 'POST /_emulator/online/failures': {
      const spec = checkFailure(body);
      if (typeof spec === 'string') return bad(spec);
      const f = await store.update((s) => addFailure(s, spec));
      return json(201, { id: f.id });
    }
    case 'GET /_emulator/online/failures':
      return json(200, { failures: online(store.read()).failures });
    case 'DELETE /_emulator/online/failures':
      await store.update((s) => {
        online(s).failures = [];
      });
      return { status: 204 };
    case 'PUT /_emulator/online/quota': {
      if (!isObject(body) || !isObject(body.limits)) return bad("body must be {limits: {<family | VM size | 'total'>: vCPUs}, location?}");
      if (body.location !== undefined && typeof body.location !== 'string') return bad("'location' must be a string");
      const limits = body.limits as Record<string, number>;
      const error = await store.update((s) => setLimits(s, body.location as string | undefined, limits));
      if (error) return bad(error);
      return json(200, { quota: online(store.read()).quota });
    }
    case 'GET /_emulator/online/quota':
      return json(200, { quota: online(store.read()).quota, defaults: { family: DEFAULT_FAMILY_LIMIT, gpuFamily: 0, total: DEFAULT_TOTAL_LIMIT } });
    case 'DELETE /_emulator/online/quota':
      await store.update((s) => {
        online(s).quota = {};
      });
      return { status: 204 };
    case 'PUT /_emulator/online/logs': {
      if (!isObject(body) || typeof body.deploymentId !== 'string') return bad("body must be {deploymentId, storageInitializer?, inferenceServer?}");
      const { storageInitializer, inferenceServer } = body;
      if ([storageInitializer, inferenceServer].some((x) => x !== undefined && typeof x !== 'string')) return bad('logs must be strings');
      await store.update((s) =>
        setLogs(s, body.deploymentId as string, {
          ...(typeof storageInitializer === 'string' ? { storageInitializer } : {}),
          ...(typeof inferenceServer === 'string' ? { inferenceServer } : {}),
        }),
      );
      return { status: 204 };
    }
    default:
      return json(404, { error: { code: 'NotFound', message: `No control route ${method} ${route}.` } });
  }
}
