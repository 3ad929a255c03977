/**
 * The emulated Azure Load Testing data plane (api-version 2022-11-01), at a loadTests resource's dataPlaneURI
 * (`<emulator host>/loadtesting/<guid>`):
 *   GET|PATCH  /tests/{testId}                       the test; PATCH is a merge-patch (application/merge-patch+json),
 *                                                     201 when it creates the test (engineInstances required), else 200
 *   DELETE     /tests/{testId}                       204
 *   PUT        /tests/{testId}/files/{name}?fileType  upload (application/octet-stream); a JMX_FILE is read by
 *                                                     jmx-read.ts: VALIDATION_INITIATED, then VALIDATION_SUCCESS or
 *                                                     VALIDATION_FAILURE with validationFailureDetails
 *   GET        /tests/{testId}/files[/{name}]        file infos
 *   GET|PATCH  /test-runs/{testRunId}                 PATCH creates and starts a run (testId required; the test's
 *                                                     JMX must be validated): ACCEPTED → PROVISIONING → EXECUTING →
 *                                                     DONE | FAILED | CANCELLED (runner.ts carries it out)
 *   POST       /test-runs/{testRunId}:stop            CANCELLING, then CANCELLED with what ran
 *   GET        /test-runs?testId=                     the runs, newest first
 * Every call needs a Microsoft Entra token for https://cnt-prod.loadtesting.azure.com from a principal whose role
 * on the resource allows the data action; errors are Azure.Core error responses with x-ms-error-code.
 */
import { randomUUID } from 'node:crypto';
import type { JsonStore } from '../state/json-store';
import type { ArmState, Json } from '../state/model';
import type { IdentityService } from '../identity';
import { LOAD_TESTING_AUDIENCE } from '../identity';
import type { Reply } from '../http';
import { isObject, parseJson } from '../http';
import type { ExtraRoute } from '../server';
import { authorize } from '../arm/rbac';
import { readJmx } from './jmx-read';
import { renderFile, renderRun, renderTest } from './render';
import { ID, mergePatch, runBodyProblem, testBodyProblem } from './validate';
import { itemKey, loadTesting, peekLoadTesting, resourceOfGuid, RUN_TERMINAL, type LtRun, type LtTest } from './state';

export const DATA_PLANE_VERSIONS = ['2022-11-01', '2023-04-01-preview', '2024-05-01-preview', '2024-12-01-preview'];
/** How long a JMX file shows VALIDATION_INITIATED */
export const VALIDATION_MS = 300;
const FILE_TYPES = ['JMX_FILE', 'USER_PROPERTIES', 'ADDITIONAL_ARTIFACTS'];
const ROUTE = /^\/loadtesting\/([^/]+)(\/.*)$/;

export interface LoadTestingDataPlaneDeps {
  store: JsonStore<ArmState>;
  identity: IdentityService;
}

function azError(status: number, code: string, message: string): Reply {
  return { status, body: { error: { code, message } }, headers: { 'x-ms-error-code': code, 'x-ms-request-id': randomUUID() } };
}
const ok = (status: number, body: unknown): Reply => ({ status, body, headers: { 'x-ms-request-id': randomUUID() } });
const bad = (message: string) => azError(400, 'InvalidRequestBody', message);

function action(method: string, path: string): string {
  if (method === 'GET') return 'Microsoft.LoadTestService/loadtests/readTest/action';
  if (path.startsWith('/test-runs')) return path.endsWith(':stop') ? 'Microsoft.LoadTestService/loadtests/stopTest/action' : 'Microsoft.LoadTestService/loadtests/startTest/action';
  return 'Microsoft.LoadTestService/loadtests/writeTest/action';
}

export function loadTestingDataPlane(deps: LoadTestingDataPlaneDeps): ExtraRoute {
  return async (req, url, body, ctx) => {
    const m = ROUTE.exec(url.pathname);
    if (!m) return undefined;
    ctx.area = 'loadtesting';
    const guid = decodeURIComponent(m[1]!);
    const path = m[2]!;
    const method = (req.method ?? 'GET').toUpperCase();
    const auth = deps.identity.verifyBearer(req.headers.authorization, [LOAD_TESTING_AUDIENCE]);
    if (!auth.ok) return azError(401, auth.code, `${auth.message} Azure Load Testing takes a Microsoft Entra token for ${LOAD_TESTING_AUDIENCE}.`);
    ctx.principal = auth.token.principalId;
    const apiVersion = url.searchParams.get('api-version');
    if (!apiVersion) return azError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    if (!DATA_PLANE_VERSIONS.includes(apiVersion)) return azError(400, 'UnsupportedApiVersion', `The api-version '${apiVersion}' is not supported. Supported versions: ${DATA_PLANE_VERSIONS.join(', ')}.`);
    const snap = deps.store.peek() as ArmState;
    const resourceId = resourceOfGuid(snap, guid);
    if (!resourceId || !snap.resources[resourceId]) return azError(404, 'ResourceNotFound', `No load testing resource has the data plane ${guid}.`);
    const denied = authorize(snap, auth.token.principalId, auth.token.appId, action(method, path), snap.resources[resourceId]!.id);
    if (denied) return denied;
    const base = `https://${url.host}/loadtesting/${guid}`;
    const who = String(auth.token.claims.upn ?? auth.token.appId);
    const now = Date.now();

    let r: RegExpExecArray | null;
    if ((r = /^\/tests\/([^/]+)$/.exec(path))) return test(deps, method, guid, decodeURIComponent(r[1]!), req.headers['content-type'], body, base, who, now, ctx);
    if ((r = /^\/tests\/([^/]+)\/files(?:\/([^/]+))?$/.exec(path))) return files(deps, method, guid, decodeURIComponent(r[1]!), r[2] === undefined ? undefined : decodeURIComponent(r[2]), url, body, base, now);
    if ((r = /^\/test-runs\/([^/:]+):stop$/.exec(path))) {
      if (method !== 'POST') return azError(405, 'MethodNotAllowed', `${method} is not supported on ${path}.`);
      return stop(deps, guid, decodeURIComponent(r[1]!), url.origin, resourceId);
    }
    if ((r = /^\/test-runs\/([^/:]+)$/.exec(path))) return testRun(deps, method, guid, decodeURIComponent(r[1]!), req.headers['content-type'], body, url.origin, resourceId, who, ctx);
    if (path === '/test-runs' && method === 'GET') {
      const testId = url.searchParams.get('testId')?.toLowerCase();
      const runs = Object.values(peekLoadTesting(snap)?.runs ?? {})
        .filter((x) => x.guid === guid && (!testId || x.testId === testId))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return ok(200, { value: runs.map((x) => renderRun(url.origin, resourceId, x)) });
    }
    return azError(404, 'NotFound', `No route for ${method} ${path}.`);
  };
}

function jsonBody(contentType: string | undefined, body: Buffer, ctx: { requestBody?: unknown }): { value?: unknown; reply?: Reply } {
  if (!/^application\/merge-patch\+json/i.test(contentType ?? '')) return { reply: azError(415, 'UnsupportedMediaType', `Content-Type must be application/merge-patch+json, not '${contentType ?? ''}'.`) };
  const parsed = parseJson(body);
  if (parsed.error) return { reply: bad(`The request body is not JSON: ${parsed.error}`) };
  ctx.requestBody = parsed.value;
  return { value: parsed.value };
}

async function test(deps: LoadTestingDataPlaneDeps, method: string, guid: string, testId: string, contentType: string | undefined, body: Buffer, base: string, who: string, now: number, ctx: { requestBody?: unknown }): Promise<Reply> {
  const k = itemKey(guid, testId);
  if (method === 'GET') {
    const t = peekLoadTesting(deps.store.peek())?.tests[k];
    return t ? ok(200, renderTest(base, t, now)) : azError(404, 'TestNotFound', `Test couldn't find with given identifier ${testId}.`);
  }
  if (method === 'DELETE') {
    await deps.store.update((s) => void delete loadTesting(s).tests[k]);
    return { status: 204 };
  }
  if (method !== 'PATCH') return azError(405, 'MethodNotAllowed', `${method} is not supported on a test.`);
  if (!ID.test(testId)) return azError(400, 'InvalidTestId', `Test id '${testId}' must be 2-50 lower-case letters, digits, '_' or '-'.`);
  const parsed = jsonBody(contentType, body, ctx);
  if (parsed.reply) return parsed.reply;
  return deps.store.update((s) => {
    const ext = loadTesting(s);
    const existing = ext.tests[k];
    const problem = testBodyProblem(parsed.value, !existing);
    if (problem) return bad(problem);
    const at = new Date(now).toISOString();
    const t: LtTest = existing ?? { guid, testId, body: {}, files: {}, createdAt: at, createdBy: who, lastModifiedAt: at, lastModifiedBy: who };
    t.body = mergePatch(t.body, parsed.value) as Json;
    t.lastModifiedAt = at;
    t.lastModifiedBy = who;
    ext.tests[k] = t;
    return ok(existing ? 200 : 201, renderTest(base, t, now));
  });
}

async function files(deps: LoadTestingDataPlaneDeps, method: string, guid: string, testId: string, name: string | undefined, url: URL, body: Buffer, base: string, now: number): Promise<Reply> {
  const k = itemKey(guid, testId);
  const current = peekLoadTesting(deps.store.peek())?.tests[k];
  if (!current) return azError(404, 'TestNotFound', `Test couldn't find with given identifier ${testId}.`);
  if (method === 'GET') {
    if (name === undefined) return ok(200, { value: Object.values(current.files).map((f) => renderFile(base, current, f, now)) });
    const f = current.files[name];
    return f ? ok(200, renderFile(base, current, f, now)) : azError(404, 'FileNotFound', `File ${name} is not associated with test ${testId}.`);
  }
  if (name === undefined) return azError(405, 'MethodNotAllowed', `${method} is not supported on the files collection.`);
  if (method === 'DELETE') {
    await deps.store.update((s) => void delete loadTesting(s).tests[k]?.files[name]);
    return { status: 204 };
  }
  if (method !== 'PUT') return azError(405, 'MethodNotAllowed', `${method} is not supported on a file.`);
  const fileType = url.searchParams.get('fileType') ?? 'ADDITIONAL_ARTIFACTS';
  if (!FILE_TYPES.includes(fileType)) return azError(400, 'InvalidFileType', `fileType must be one of ${FILE_TYPES.join(', ')}, not '${fileType}'.`);
  if (body.length === 0) return azError(400, 'InvalidFile', `File ${name} is empty.`);
  if (fileType === 'JMX_FILE' && !/\.jmx$/i.test(name)) return azError(400, 'InvalidFile', `A JMX_FILE must have the .jmx extension, not '${name}'.`);
  const read = fileType === 'JMX_FILE' ? readJmx(body.toString('utf8')) : undefined;
  return deps.store.update((s) => {
    const t = loadTesting(s).tests[k];
    if (!t) return azError(404, 'TestNotFound', `Test couldn't find with given identifier ${testId}.`);
    // One test script a test: a new JMX replaces the old one.
    if (fileType === 'JMX_FILE') for (const [n, f] of Object.entries(t.files)) if (f.fileType === 'JMX_FILE') delete t.files[n];
    t.files[name] = {
      fileName: name,
      fileType,
      finalStatus: !read ? 'VALIDATION_NOT_REQUIRED' : read.ok ? 'VALIDATION_SUCCESS' : 'VALIDATION_FAILURE',
      ...(read && !read.ok ? { failure: read.message } : {}),
      ...(read?.ok ? { plan: read.plan } : {}),
      validateAt: read ? now + VALIDATION_MS : now,
      size: body.length,
      uploadedAt: new Date(now).toISOString(),
    };
    return ok(201, { ...renderFile(base, t, t.files[name]!, now), validationStatus: read ? 'NOT_VALIDATED' : 'VALIDATION_NOT_REQUIRED' });
  });
}

async function testRun(deps: LoadTestingDataPlaneDeps, method: string, guid: string, runId: string, contentType: string | undefined, body: Buffer, origin: string, resourceId: string, who: string, ctx: { requestBody?: unknown }): Promise<Reply> {
  const k = itemKey(guid, runId);
  if (method === 'GET') {
    const run = peekLoadTesting(deps.store.peek())?.runs[k];
    return run ? ok(200, renderRun(origin, resourceId, run)) : azError(404, 'TestRunNotFound', `Test run couldn't find with given identifier ${runId}.`);
  }
  if (method !== 'PATCH') return azError(405, 'MethodNotAllowed', `${method} is not supported on a test run.`);
  if (!ID.test(runId)) return azError(400, 'InvalidTestRunId', `Test run id '${runId}' must be 2-50 lower-case letters, digits, '_' or '-'.`);
  const parsed = jsonBody(contentType, body, ctx);
  if (parsed.reply) return parsed.reply;
  const problem = runBodyProblem(parsed.value);
  if (problem) return bad(problem);
  const b = parsed.value as Json;
  const now = Date.now();
  return deps.store.update((s) => {
    const ext = loadTesting(s);
    if (ext.runs[k]) return azError(400, 'TestRunAlreadyExists', `Test run ${runId} already exists; start a run with a new identifier.`);
    const t = ext.tests[itemKey(guid, String(b.testId))];
    if (!t) return azError(404, 'TestNotFound', `Test couldn't find with given identifier ${String(b.testId)}.`);
    const jmx = Object.values(t.files).find((f) => f.fileType === 'JMX_FILE');
    if (!jmx) return azError(400, 'TestScriptNotFound', `Test ${t.testId} has no JMX file: upload one before starting a run.`);
    if (now < jmx.validateAt) return azError(400, 'TestScriptNotValidated', `The JMX file ${jmx.fileName} of test ${t.testId} is still being validated.`);
    if (!jmx.plan) return azError(400, 'TestScriptValidationFailed', `The JMX file ${jmx.fileName} of test ${t.testId} failed validation: ${jmx.failure ?? ''}`);
    const merged = mergePatch(t.body, { ...b, testId: undefined }) as Json;
    const cfg = isObject(merged.loadTestConfiguration) ? merged.loadTestConfiguration : {};
    const pf = isObject(merged.passFailCriteria) && isObject(merged.passFailCriteria.passFailMetrics) ? merged.passFailCriteria.passFailMetrics : {};
    const run: LtRun = {
      guid,
      testRunId: runId,
      testId: t.testId,
      displayName: typeof b.displayName === 'string' ? b.displayName : `${t.testId}_${new Date(now).toISOString()}`,
      description: typeof b.description === 'string' ? b.description : '',
      status: 'ACCEPTED',
      createdAt: new Date(now).toISOString(),
      createdBy: who,
      engineInstances: typeof cfg.engineInstances === 'number' ? cfg.engineInstances : 1,
      plan: jmx.plan,
      fileName: jmx.fileName,
      secrets: (isObject(merged.secrets) ? merged.secrets : {}) as LtRun['secrets'],
      passFailMetrics: pf as Record<string, Json>,
      environmentVariables: (isObject(merged.environmentVariables) ? merged.environmentVariables : {}) as Record<string, string>,
    };
    ext.runs[k] = run;
    return ok(201, renderRun(origin, resourceId, run));
  });
}

async function stop(deps: LoadTestingDataPlaneDeps, guid: string, runId: string, origin: string, resourceId: string): Promise<Reply> {
  return deps.store.update((s) => {
    const run = loadTesting(s).runs[itemKey(guid, runId)];
    if (!run) return azError(404, 'TestRunNotFound', `Test run couldn't find with given identifier ${runId}.`);
    if (RUN_TERMINAL.includes(run.status)) return azError(400, 'InvalidTestRunState', `Test run ${runId} is ${run.status} and cannot be stopped.`);
    run.stopRequested = true;
    run.status = 'CANCELLING';
    return ok(200, renderRun(origin, resourceId, run));
  });
}
