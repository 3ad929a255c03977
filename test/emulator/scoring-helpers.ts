/**
 * Scoring tests: an emulator with online endpoints made through ARM and deployments started through the test
 * seam (POST /_emulator/scoring/deployments), from local folders; online-scoring.test.ts goes through ARM only.
 */
import { join } from 'node:path';
import { http, sleep, type HttpResult, type TestEmulator } from './harness';

export const FIXTURES = join(__dirname, 'fixtures', 'scoring');
export const MODEL_DIR = join(FIXTURES, 'model');
export const CODE_DIR = join(FIXTURES, 'code');
export const CRASH_DIR = join(FIXTURES, 'crash');

export function endpointPath(t: TestEmulator, name: string): string {
  return `${t.wsPath}/onlineEndpoints/${name}`;
}

async function waitSucceeded(t: TestEmulator, path: string): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  for (let i = 0; i < 100; i++) {
    const r = await t.arm('GET', path);
    const state = r.json?.properties?.provisioningState;
    if (state === 'Succeeded') return r.json;
    if (state === 'Failed') throw new Error(`${path} failed: ${r.text}`);
    await sleep(100);
  }
  throw new Error(`${path} did not succeed`);
}

/** PUT an endpoint (authMode, traffic, mirrorTraffic) and wait for it. */
export async function putEndpoint(
  t: TestEmulator,
  name: string,
  authMode: 'Key' | 'AMLToken' | 'AADToken',
  traffic: Record<string, number> = {},
  mirrorTraffic: Record<string, number> = {},
): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const path = endpointPath(t, name);
  const r = await t.arm('PUT', path, { location: 'eastus', properties: { authMode, traffic, mirrorTraffic } });
  if (r.status >= 300) throw new Error(`PUT ${name}: ${r.status} ${r.text}`);
  return waitSucceeded(t, path);
}

export interface SeedDeployment {
  code?: string;
  model?: string;
  scoringScript?: string;
  environmentVariables?: Record<string, string>;
  instanceCount?: number;
  requestTimeoutMs?: number;
  maxConcurrentRequestsPerInstance?: number;
  /** Enabled data collections and the blob folder of each */
  collections?: Record<string, { account: string; container: string; path: string }>;
}

/** Start a deployment through the test seam. */
export async function seedDeployment(t: TestEmulator, endpoint: string, deployment: string, d: SeedDeployment = {}): Promise<HttpResult> {
  return t.control('POST', '/scoring/deployments', {
    endpointId: endpointPath(t, endpoint),
    deployment,
    code: d.code ?? CODE_DIR,
    model: d.model ?? MODEL_DIR,
    scoringScript: d.scoringScript ?? 'score.py',
    environmentVariables: d.environmentVariables,
    instanceCount: d.instanceCount,
    requestTimeoutMs: d.requestTimeoutMs,
    maxConcurrentRequestsPerInstance: d.maxConcurrentRequestsPerInstance ?? 8,
    collections: d.collections,
  });
}

export async function keysOf(t: TestEmulator, endpoint: string): Promise<{ primaryKey: string; secondaryKey: string }> {
  return (await t.control('GET', `/scoring/keys?endpointId=${encodeURIComponent(endpointPath(t, endpoint))}`)).json;
}

export async function score(
  scoringUri: string,
  credential: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return http(scoringUri, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}), ...headers },
    body: JSON.stringify(body),
  });
}

export const INPUT = { data: [[1, 2], [0, 0]] };
/** 2*1 + 3*2 + 1, 1 */
export const PREDICTIONS = [9, 1];
