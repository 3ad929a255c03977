/**
 * Request bodies of the emulated Azure Load Testing data plane, checked as the service checks them (2022-11-01
 * TestUpdate / TestRunUpdate): a problem is a 400 `InvalidRequestBody`-style Azure.Core error naming the field.
 */
import { isObject } from '../http';
import type { Json } from '../state/model';

export const ID = /^[a-z0-9_-]{2,50}$/;
const CLIENT_METRICS = ['response_time_ms', 'latency', 'error', 'requests', 'requests_per_sec'];
const AGGREGATES = ['count', 'percentage', 'avg', 'p50', 'p90', 'p95', 'p99', 'min', 'max'];
const ALLOWED_AGGREGATES: Record<string, string[]> = {
  response_time_ms: ['avg', 'p50', 'p90', 'p95', 'p99', 'min', 'max'],
  latency: ['avg', 'p50', 'p90', 'p95', 'p99', 'min', 'max'],
  error: ['percentage', 'count'],
  requests: ['count'],
  requests_per_sec: ['avg'],
};
const SECRET_TYPES = ['AKV_SECRET_URI', 'SECRET_VALUE'];
const TEST_KEYS = ['passFailCriteria', 'secrets', 'certificate', 'environmentVariables', 'loadTestConfiguration', 'description', 'displayName', 'subnetId', 'keyvaultReferenceIdentityType', 'keyvaultReferenceIdentityId'];
const READ_ONLY_TEST = ['testId', 'inputArtifacts', 'createdDateTime', 'createdBy', 'lastModifiedDateTime', 'lastModifiedBy'];
const RUN_KEYS = ['passFailCriteria', 'secrets', 'certificate', 'environmentVariables', 'loadTestConfiguration', 'displayName', 'testId', 'description'];

const str = (v: unknown, field: string, min: number, max: number): string | undefined =>
  v === undefined || v === null ? undefined : typeof v !== 'string' ? `'${field}' must be a string.` : v.length < min || v.length > max ? `'${field}' must be ${min}-${max} characters long.` : undefined;

function passFail(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) return "'passFailCriteria' must be an object.";
  const metrics = v.passFailMetrics;
  if (metrics === undefined || metrics === null) return undefined;
  if (!isObject(metrics)) return "'passFailCriteria.passFailMetrics' must be an object.";
  for (const [k, m] of Object.entries(metrics)) {
    if (m === null) continue; // merge-patch: removes the criterion
    const at = `passFailCriteria.passFailMetrics.${k}`;
    if (!isObject(m)) return `'${at}' must be an object.`;
    if (!CLIENT_METRICS.includes(String(m.clientmetric))) return `'${at}.clientmetric' must be one of ${CLIENT_METRICS.join(', ')}.`;
    if (!AGGREGATES.includes(String(m.aggregate)) || !ALLOWED_AGGREGATES[String(m.clientmetric)]!.includes(String(m.aggregate))) return `'${at}.aggregate' ${String(m.aggregate)} is not supported for ${String(m.clientmetric)} (supported: ${ALLOWED_AGGREGATES[String(m.clientmetric)]!.join(', ')}).`;
    if (m.condition !== '>' && m.condition !== '<') return `'${at}.condition' must be '>' or '<'.`;
    if (typeof m.value !== 'number' || !Number.isFinite(m.value)) return `'${at}.value' must be a number.`;
    if (m.clientmetric === 'error' && m.aggregate === 'percentage' && (m.value < 0 || m.value > 100)) return `'${at}.value' must be within [0.0, 100.0] for the error percentage.`;
    if (m.action !== undefined && m.action !== 'continue' && m.action !== 'stop') return `'${at}.action' must be 'continue' or 'stop'.`;
  }
  return undefined;
}

function secrets(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) return "'secrets' must be an object.";
  for (const [k, s] of Object.entries(v)) {
    if (s === null) continue;
    if (!isObject(s) || typeof s.value !== 'string' || !s.value) return `'secrets.${k}' must be {value, type} with a non-empty value.`;
    if (!SECRET_TYPES.includes(String(s.type))) return `'secrets.${k}.type' must be one of ${SECRET_TYPES.join(', ')}.`;
    if (s.type === 'AKV_SECRET_URI' && !/^https:\/\/[^/]+\/secrets\/[^/]+/.test(s.value)) return `'secrets.${k}.value' is not a Key Vault secret URI.`;
  }
  return undefined;
}

function common(b: Json, keys: string[]): string | undefined {
  for (const k of Object.keys(b)) if (!keys.includes(k)) return READ_ONLY_TEST.includes(k) ? `'${k}' is read-only.` : `'${k}' is not a field of this resource.`;
  const env = b.environmentVariables;
  if (env !== undefined && env !== null && (!isObject(env) || Object.values(env).some((x) => x !== null && typeof x !== 'string'))) return "'environmentVariables' must map names to strings.";
  const cfg = b.loadTestConfiguration;
  if (cfg !== undefined && cfg !== null) {
    if (!isObject(cfg)) return "'loadTestConfiguration' must be an object.";
    const n = cfg.engineInstances;
    if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 45)) return "'loadTestConfiguration.engineInstances' must be a whole number in range 1-45.";
    if (cfg.quickStartTest === true) return "'loadTestConfiguration.quickStartTest' (URL-based tests) is not supported by the emulator: upload a JMX file.";
  }
  return passFail(b.passFailCriteria) ?? secrets(b.secrets) ?? str(b.displayName, 'displayName', 2, 50) ?? str(b.description, 'description', 0, 100);
}

/** A problem of a test body (creating: engineInstances is required), or undefined. */
export function testBodyProblem(b: unknown, creating: boolean): string | undefined {
  if (!isObject(b)) return 'The request body must be a JSON object.';
  const p = common(b, TEST_KEYS);
  if (p) return p;
  if (creating && !(isObject(b.loadTestConfiguration) && typeof b.loadTestConfiguration.engineInstances === 'number')) return "'loadTestConfiguration.engineInstances' is required to create a test.";
  return undefined;
}

export function runBodyProblem(b: unknown): string | undefined {
  if (!isObject(b)) return 'The request body must be a JSON object.';
  const p = common(b, RUN_KEYS);
  if (p) return p;
  if (typeof b.testId !== 'string' || !b.testId) return "'testId' is required.";
  return undefined;
}

/** RFC 7386 merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Json = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
