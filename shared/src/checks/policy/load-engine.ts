/**
 * A load check's `engine`: `local` (the default: this process's undici engine) or `azure-load-testing` (the load
 * runs as an Azure Load Testing test run, with a JMeter plan the step generates). The keys that go with the second
 * are refused with the first, and what a JMeter plan cannot do (an arrival rate, a request count, a warm-up left
 * out of the figures, percentiles the service does not report) is refused at its line.
 */
import { isScalar, type Node } from 'yaml';
import type { SloRule } from '../load/slo';
import { parseDuration } from './durations';
import { describeScalar, type Entries, type PolicyReader } from './reader';
import type { AzureLoadTestingEngine, LoadCheck, RequestSpec } from './types';

export const ENGINE_KEYS = ['engine', 'engine_instances', 'load_test_resource', 'load_test_resource_group', 'endpoint_secret', 'ramp_up'];
export const ENGINES = ['local', 'azure-load-testing'] as const;
/** The latency percentiles an Azure Load Testing run reports (testRunStatistics: median, pct1/2/3ResTime) */
export const SERVICE_PERCENTILES = [50, 90, 95, 99];
export const MAX_ENGINE_INSTANCES = 45;

const LOAD_TEST_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.LoadTestService\/loadTests\/[^/]+$/i;
const LOAD_TEST_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const RESOURCE_GROUP = /^[-\w.()]{1,89}[-\w()]$/;
const SECRET_URI = /^https:\/\/[A-Za-z0-9.-]+(?::\d+)?\/secrets\/[A-Za-z0-9-]{1,127}(?:\/[A-Za-z0-9]{1,64})?\/?$/;

function rampUp(r: PolicyReader, m: Entries): number {
  const e = m['ramp_up'];
  if (!r.present(e)) return 0;
  const v = isScalar(e.value) ? e.value.value : undefined;
  if (typeof v !== 'string') return r.fail(e.value, `bad duration: 'ramp_up' must be a duration like 10s or 1m, not ${isScalar(e.value) ? describeScalar(v) : 'a list or mapping'}`) ?? 0;
  const d = parseDuration(v);
  if ('problem' in d) return r.fail(e.value, `bad duration: 'ramp_up': ${d.problem}`) ?? 0;
  if (d.ms % 1000 !== 0) return r.fail(e.value, `'ramp_up' is ${v}: JMeter ramps up in whole seconds`) ?? 0;
  if (d.ms > 3_600_000) return r.fail(e.value, `'ramp_up' is ${v}: at most 60m`) ?? 0;
  return d.ms;
}

function resource(r: PolicyReader, m: Entries, node: Node): AzureLoadTestingEngine['resource'] | undefined {
  const e = r.required(m, 'load_test_resource', node, 'with engine: azure-load-testing: the ARM id (or the name) of the Microsoft.LoadTestService/loadTests resource to run on');
  const value = r.str(e, 'load_test_resource');
  const group = r.str(m['load_test_resource_group'], 'load_test_resource_group');
  if (value === undefined || !e) return undefined;
  if (value.startsWith('/')) {
    if (!LOAD_TEST_ID.test(value)) return r.fail(e.value, `'load_test_resource': '${value}' is not the ARM id of a load testing resource (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.LoadTestService/loadTests/<name>)`);
    if (group !== undefined) return r.fail(m['load_test_resource_group']!.keyNode, "'load_test_resource_group' goes with a resource name, not with an ARM id (the id names its group)");
    return { id: value.replace(/\/+$/, '') };
  }
  if (!LOAD_TEST_NAME.test(value)) return r.fail(e.value, `'load_test_resource': '${value}' is neither an ARM id nor a load testing resource name (1-64 letters, digits, '-' or '_')`);
  if (group !== undefined && !RESOURCE_GROUP.test(group)) return r.fail(m['load_test_resource_group']!.value, `'load_test_resource_group': '${group}' is not a resource group name`);
  return { name: value, ...(group !== undefined ? { resourceGroup: group } : {}) };
}

/** What JMeter (and the service's statistics) cannot do, refused where it is written. */
function refuseLocalOnly(r: PolicyReader, m: Entries, ctx: EngineContext, file: string): void {
  if (r.present(m['rate'])) r.fail(m['rate']!.keyNode, "'rate' is for the local engine: an Azure Load Testing run has a fixed number of virtual users", "Give 'concurrency' (JMeter threads on each engine instance) instead.");
  const many = m['requests'];
  if (r.present(many) && isScalar(many.value)) r.fail(many.keyNode, "a number of 'requests' is for the local engine: an Azure Load Testing run is given a 'duration'");
  if (r.present(m['warmup'])) r.fail(m['warmup']!.keyNode, "'warmup' is for the local engine: Azure Load Testing counts every sample", "Use 'ramp_up' to start the virtual users gradually (its samples count too).");
  if (ctx.durationMs !== undefined && ctx.durationMs % 1000 !== 0) r.fail(m['duration']!.value, "'duration' must be whole seconds with engine: azure-load-testing (JMeter's scheduler counts seconds)");
  for (const req of ctx.requests) {
    if (req.body?.includes('${')) r.fail(req.at, `${req.name}: the body holds '\${', which JMeter would read as a variable or function`, 'Send this body with the local engine, or change it.');
  }
  for (const rule of ctx.slo) {
    if (rule.metric.kind === 'percentile' && !SERVICE_PERCENTILES.includes(rule.metric.percentile)) {
      r.fail(rule.line > 0 ? { file, line: rule.line } : { file }, `SLO '${rule.text}': Azure Load Testing reports p50, p90, p95 and p99 only`, 'Use one of those, or the local engine.');
    }
  }
}

interface EngineContext {
  slo: SloRule[];
  requests: RequestSpec[];
  durationMs?: number;
}

export function readEngine(r: PolicyReader, m: Entries, node: Node, ctx: EngineContext): LoadCheck['engine'] {
  const e = m['engine'];
  const name = r.str(e, 'engine') ?? 'local';
  if (!(ENGINES as readonly string[]).includes(name)) {
    r.fail(e?.value, `unknown engine '${name}' (one of ${ENGINES.join(', ')})`);
    return { kind: 'local' };
  }
  if (name === 'local') {
    for (const k of ENGINE_KEYS.slice(1)) if (r.present(m[k])) r.fail(m[k]!.keyNode, `'${k}' goes with engine: azure-load-testing`);
    return { kind: 'local' };
  }
  const file = r.at(node).file;
  refuseLocalOnly(r, m, ctx, file);
  const res = resource(r, m, node);
  const engineInstances = r.int(m['engine_instances'], 'engine_instances', { min: 1, max: MAX_ENGINE_INSTANCES }) ?? 1;
  const secret = r.str(m['endpoint_secret'], 'endpoint_secret');
  if (secret !== undefined && !SECRET_URI.test(secret)) {
    r.fail(m['endpoint_secret']!.value, `'endpoint_secret' must be a Key Vault secret URI (https://<vault>.vault.azure.net/secrets/<name>[/<version>])`);
  }
  const rampUpMs = rampUp(r, m);
  if (!res) return { kind: 'local' };
  return { kind: 'azure-load-testing', resource: res, engineInstances, rampUpMs, ...(secret !== undefined && SECRET_URI.test(secret) ? { keyVaultSecret: secret } : {}), at: r.at(e?.value ?? node) };
}
