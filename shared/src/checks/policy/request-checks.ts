/** The `smoke` and `load` checks: requests sent to a deployment, what the answers must be, and the load to put on it. */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { StepError } from '../../core/errors';
import { parseSloRules, type SloRule } from '../load/slo';
import type { MapEntry } from '../../specs/yaml-source';
import { jsonPointerProblem, parseDuration } from './durations';
import { nodeToJson, readPolicyFile, readSchema } from './json-values';
import { describeScalar, type Entries, type PolicyReader } from './reader';
import { readDeploymentName } from './sections';
import { ENGINE_KEYS, readEngine } from './load-engine';
import type { LoadCheck, RequestSpec, SmokeCheck, SmokeRequest, ValueExpectation } from './types';

export const SMOKE_KEYS = ['deployment', 'requests'];
export const LOAD_KEYS = ['deployment', 'request', 'requests', 'concurrency', 'rate', 'max_in_flight', 'duration', 'warmup', 'timeout', 'slo', ...ENGINE_KEYS];
const REQUEST_KEYS = ['name', 'body', 'body_file', 'headers'];
const EXPECT_KEYS = ['status', 'schema', 'schema_file', 'values'];

type Base = Pick<SmokeCheck, 'name' | 'severity' | 'at'>;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Set by the runner: the endpoint's credential and the deployment the request goes to. */
const RESERVED_HEADERS = ['authorization', 'azureml-model-deployment'];

function readHeaders(r: PolicyReader, e: MapEntry | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of r.namedEntries(e, 'headers') ?? []) {
    const name = h.key;
    if (!HEADER_NAME.test(name)) {
      r.fail(h.keyNode, `'${name}' is not an HTTP header name`);
      continue;
    }
    if (RESERVED_HEADERS.includes(name.toLowerCase())) {
      r.fail(h.keyNode, `the '${name}' header is set by the step`, 'The endpoint key or token and the deployment header are added to every request; leave them out of the policy.');
      continue;
    }
    const v = isScalar(h.value) ? h.value.value : undefined;
    if (h.value !== undefined && !(typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
      r.fail(h.value, `header '${name}' must be a plain value`);
      continue;
    }
    const text = h.value === undefined || v === undefined ? '' : isScalar(h.value) && typeof h.value.source === 'string' ? h.value.source : String(v);
    if (/[\r\n\0]/.test(text)) {
      r.fail(h.value, `header '${name}' holds a line break or NUL`);
      continue;
    }
    out[name] = text;
  }
  return out;
}

/** The body: YAML written as `body` (sent as JSON text) or the bytes of `body_file`; exactly one of them. */
function readBody(r: PolicyReader, m: Entries, where: Node, headers: Record<string, string>): string | undefined {
  const body = m['body'];
  const file = m['body_file'];
  if (body && file) return r.fail(file.keyNode, "give 'body' or 'body_file', not both");
  if (body) {
    const json = nodeToJson(r, body.value, 'body');
    return json === undefined ? undefined : JSON.stringify(json.value);
  }
  if (!r.present(file)) return r.fail(file?.keyNode ?? where, "a request needs a 'body' (YAML sent as JSON) or a 'body_file'");
  const read = readPolicyFile(r, file, 'body_file');
  if (!read) return undefined;
  const type = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  if (type === undefined || /json/i.test(type)) {
    try {
      JSON.parse(read.text);
    } catch (err) {
      return r.fail(file.value, `'body_file': '${String(r.src.toJS(file.value))}' is not JSON (${(err as Error).message})`, 'Set a content-type header to send another format.');
    }
  }
  return read.text;
}

function readRequest(r: PolicyReader, node: Node, index: number, withExpect: boolean): SmokeRequest | RequestSpec | undefined {
  const m = r.map(node, `request ${index + 1}`, withExpect ? [...REQUEST_KEYS, 'expect'] : REQUEST_KEYS);
  if (!m) return r.fail(node, `request ${index + 1} is empty: give at least a 'body'`);
  const headers = readHeaders(r, m['headers']);
  const spec: RequestSpec = {
    name: r.str(m['name'], 'name') ?? `request ${index + 1}`,
    headers,
    at: r.at(node),
  };
  const body = readBody(r, m, node, headers);
  if (body !== undefined) spec.body = body;
  if (!withExpect) return spec;
  return { ...spec, ...readExpect(r, m['expect']) };
}

function readStatus(r: PolicyReader, e: MapEntry | undefined): number[] {
  if (!r.present(e)) return [200];
  const nodes = isSeq(e.value) ? r.list(e, 'status')! : [e.value];
  const out: number[] = [];
  for (const n of nodes) {
    const s = r.numberOf(n, 'status', { integer: true, min: 100, max: 599 });
    if (s !== undefined && !out.includes(s)) out.push(s);
  }
  if (out.length === 0 && nodes.length === 0) r.fail(e.value, "'status' is an empty list");
  return out.length > 0 ? out : [200];
}

function readValues(r: PolicyReader, e: MapEntry | undefined): ValueExpectation[] {
  const out: ValueExpectation[] = [];
  for (const item of r.list(e, 'values') ?? []) {
    const m = r.map(item, 'values', ['path', 'equals', 'tolerance']);
    if (!m) {
      r.fail(item, "each of 'values' is a mapping {path, equals, tolerance}");
      continue;
    }
    const path = r.required(m, 'path', item, '(a JSON pointer into the answer, e.g. /0)') ? r.str(m['path'], 'path', { allowEmpty: true }) : undefined;
    const problem = path === undefined ? undefined : jsonPointerProblem(path);
    if (problem) r.fail(m['path']!.value, `'path': ${problem}`);
    if (!m['equals']) r.fail(item, "'equals' is required: the value expected at the path");
    const equals = m['equals'] ? nodeToJson(r, m['equals'].value, 'equals') : undefined;
    const tolerance = r.num(m['tolerance'], 'tolerance', { min: 0 });
    if (tolerance !== undefined && equals && typeof equals.value !== 'number') r.fail(m['tolerance']!.value, "'tolerance' applies to numbers only, and 'equals' is not a number");
    if (path === undefined || problem || !equals) continue;
    out.push({ pointer: path, equals: equals.value, tolerance: tolerance ?? 0, at: r.at(item) });
  }
  return out;
}

function readExpect(r: PolicyReader, e: MapEntry | undefined): Pick<SmokeRequest, 'status' | 'schema' | 'values'> {
  const m = r.map(e?.value, 'expect', EXPECT_KEYS, e?.keyNode) ?? {};
  const schema = readSchema(r, m['schema'], m['schema_file']);
  return { status: readStatus(r, m['status']), ...(schema ? { schema } : {}), values: readValues(r, m['values']) };
}

function readRequests(r: PolicyReader, e: MapEntry, withExpect: boolean): (SmokeRequest | RequestSpec)[] {
  const items = r.list(e, 'requests') ?? [];
  if (items.length === 0 && isSeq(e.value)) r.fail(e.value, "'requests' is an empty list");
  return items.map((n, i) => readRequest(r, n, i, withExpect)).filter((x) => x !== undefined);
}

export function readSmoke(r: PolicyReader, m: Entries, base: Base, node: Node): SmokeCheck {
  const deployment = readDeploymentName(r, m['deployment'], 'deployment', 'deployment');
  const e = r.required(m, 'requests', node, 'for a smoke check: the requests to send and what to expect');
  return { ...base, type: 'smoke', requests: e ? (readRequests(r, e, true) as SmokeRequest[]) : [], ...(deployment ? { deployment: deployment.value } : {}) };
}

function duration(r: PolicyReader, e: MapEntry | undefined, key: string, range: { min: number; max: number; zero?: boolean }): number | undefined {
  if (!r.present(e)) return undefined;
  const v = isScalar(e.value) ? e.value.value : undefined;
  const text = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  if (text === undefined) return r.fail(e.value, `bad duration: '${key}' must be a duration like 20s, 500ms or 2m, not ${isScalar(e.value) ? describeScalar(v) : 'a list or mapping'}`);
  const d = parseDuration(text);
  if ('problem' in d) return r.fail(e.value, `bad duration: '${key}': ${d.problem}`);
  if (d.ms < range.min || (d.ms === 0 && !range.zero)) return r.fail(e.value, `'${key}' must be ${range.zero ? 'at least 0' : 'above 0'}, not ${text}`);
  if (d.ms > range.max) return r.fail(e.value, `'${key}' is ${text}: at most ${range.max / 60_000}m`);
  return d.ms;
}

function readSlo(r: PolicyReader, e: MapEntry | undefined): SloRule[] {
  if (!r.present(e)) return [];
  const nodes = isSeq(e.value) ? r.list(e, 'slo')! : [e.value];
  const out: SloRule[] = [];
  for (const n of nodes) {
    const v = isScalar(n) ? n.value : undefined;
    if (typeof v !== 'string') {
      r.fail(n, `each 'slo' rule is text like 'p95 <= 300ms', not ${isScalar(n) ? describeScalar(v) : 'a list or mapping'}`);
      continue;
    }
    const at = r.at(n);
    try {
      for (const rule of parseSloRules(v, 'slo')) out.push({ ...rule, line: at.line ?? 0 });
    } catch (err) {
      if (!(err instanceof StepError)) throw err;
      // "Input 'slo', line 1: 'p95 <== 1s': …": the rule and the reason, at the policy item's position.
      const why = err.message.replace(/^Input 'slo', line \d+: /, '');
      r.fail(at, `bad SLO: ${why}`, err.hint);
    }
  }
  return out;
}

export function readLoad(r: PolicyReader, m: Entries, base: Base, node: Node): LoadCheck | undefined {
  const deployment = readDeploymentName(r, m['deployment'], 'deployment', 'deployment');
  const single = m['request'];
  const many = m['requests'];
  const count = r.present(many) && isScalar(many.value) ? many : undefined;
  const list = r.present(many) && !count ? many : undefined;
  let requests: RequestSpec[] = [];
  if (r.present(single) && list) r.fail(list.keyNode, "give 'request' (one) or 'requests' (a list), not both");
  else if (r.present(single)) {
    if (!isMap(single.value)) r.fail(single.value, "'request' must be a mapping {body or body_file, headers}");
    else requests = [readRequest(r, single.value, 0, false)].filter((x) => x !== undefined);
  } else if (list) requests = readRequests(r, list, false);
  else r.fail(node, "a load check needs a 'request' (or a list of 'requests') to send");

  const concurrency = r.int(m['concurrency'], 'concurrency', { min: 1, max: 10_000 });
  const rate = r.num(m['rate'], 'rate', { min: 0, max: 1_000_000, exclusive: true });
  const maxInFlight = r.int(m['max_in_flight'], 'max_in_flight', { min: 1, max: 100_000 });
  let mode: LoadCheck['mode'] | undefined;
  if (r.present(m['concurrency']) && r.present(m['rate'])) r.fail(m['rate']!.keyNode, "give 'concurrency' (a fixed number of clients) or 'rate' (requests a second), not both");
  else if (r.present(m['rate'])) mode = rate === undefined ? undefined : { kind: 'rate', rps: rate, maxInFlight: maxInFlight ?? 64 };
  else if (r.present(m['concurrency'])) mode = concurrency === undefined ? undefined : { kind: 'concurrency', connections: concurrency };
  else r.fail(node, "a load check needs 'concurrency' (clients sending one request after another) or 'rate' (requests a second)");
  if (r.present(m['max_in_flight']) && !r.present(m['rate'])) r.fail(m['max_in_flight']!.keyNode, "'max_in_flight' goes with 'rate' only");

  const durationMs = duration(r, m['duration'], 'duration', { min: 1, max: 6 * 3_600_000 });
  const requestCount = count ? r.numberOf(count.value, 'requests', { integer: true, min: 1, max: 10_000_000 }) : undefined;
  if (r.present(m['duration']) && count) r.fail(count.keyNode, "give 'duration' or a number of 'requests', not both");
  else if (!r.present(m['duration']) && !count) r.fail(node, "a load check needs a 'duration' (e.g. 30s) or a number of 'requests' to send");
  const warmupMs = duration(r, m['warmup'], 'warmup', { min: 0, max: 3_600_000, zero: true }) ?? 0;
  const timeoutMs = duration(r, m['timeout'], 'timeout', { min: 1, max: 3_600_000 }) ?? 30_000;
  const slo = readSlo(r, m['slo']);
  const engine = readEngine(r, m, node, { slo, requests, ...(durationMs !== undefined ? { durationMs } : {}) });
  if (!mode) return undefined;
  return {
    ...base,
    type: 'load',
    requests,
    mode,
    ...(durationMs !== undefined && !count ? { durationMs } : {}),
    ...(requestCount !== undefined && !r.present(m['duration']) ? { requestCount } : {}),
    warmupMs,
    timeoutMs,
    slo,
    ...(deployment ? { deployment: deployment.value } : {}),
    engine,
  };
}
