/**
 * The `probe-file`: requests sent to the new deployment for its smoke test and during bakes. YAML or JSON (JSON is
 * read as YAML, so errors point at file:line:col):
 *
 *   rate: 2                      # requests per second during bakes (default 1; 0 sends none during bakes)
 *   requests:
 *     - name: setosa             # for messages (default "request <n>")
 *       body: {input_data: {data: [[5.1, 3.5, 1.4, 0.2]]}}   # a JSON value, sent as application/json
 *       # file: samples/setosa.json                         # or a file's content, relative to the probe file
 *       headers: {x-tenant: demo}
 *       expect:
 *         status: 200            # default 200
 *         output: [0]            # a JSON subset of the response (probe-match.ts)
 *         tolerance: 0.001       # how far numbers may differ (default 1e-9 relative)
 *
 * `Authorization` and `azureml-model-deployment` are set by the step and cannot be given.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { SourceLocation } from '../core/errors';
import { readRegularFile } from '../core/files';
import { unknownKeyError } from '../specs/unknown-key';
import { parseYamlText, type YamlSource } from '../specs/yaml-source';

export interface ProbeRequest {
  name: string;
  /** The request body as sent */
  body: string;
  headers: Record<string, string>;
  expect: { status: number; output?: unknown; tolerance?: number };
  location: SourceLocation;
}

export interface ProbeFile {
  file: string;
  /** Requests per second during bakes */
  rate: number;
  requests: ProbeRequest[];
}

const TOP = ['rate', 'requests'];
const REQUEST = ['name', 'body', 'file', 'headers', 'expect'];
const EXPECT = ['status', 'output', 'tolerance'];
const RESERVED_HEADERS = ['authorization', 'azureml-model-deployment'];
export const PROBE_MAX_RATE = 50;

function fields(src: YamlSource, map: YAMLMap, allowed: readonly string[], where?: string): Map<string, { key: Node; value: Node | undefined }> {
  const out = new Map<string, { key: Node; value: Node | undefined }>();
  for (const e of src.entries(map)) {
    if (!allowed.includes(e.key)) throw unknownKeyError(src, e.keyNode, e.key, allowed, where);
    out.set(e.key, { key: e.keyNode, value: e.value });
  }
  return out;
}

function numberAt(src: YamlSource, node: Node | undefined, what: string, min: number, max: number, whole: boolean): number {
  const v = src.toJS(node);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (whole && !Number.isInteger(v))) {
    throw src.error(`${what} must be ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(v) ?? 'nothing'}`, node);
  }
  return v;
}

function headersAt(src: YamlSource, node: Node | undefined, where: string): Record<string, string> {
  if (node === undefined) return {};
  if (!isMap(node)) throw src.error(`'headers' of ${where} must be a mapping of header names to values`, node);
  const out: Record<string, string> = {};
  for (const e of src.entries(node)) {
    if (RESERVED_HEADERS.includes(e.key.toLowerCase())) throw src.error(`header '${e.key}' is set by the step and cannot be given`, e.keyNode);
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(e.key)) throw src.error(`'${e.key}' is not a valid header name`, e.keyNode);
    const v = src.toJS(e.value);
    if (!isScalar(e.value) || v === null || typeof v === 'object') throw src.error(`header '${e.key}' must have a single value`, e.value ?? e.keyNode);
    out[e.key] = String(v);
  }
  return out;
}

function bodyOf(src: YamlSource, f: ReturnType<typeof fields>, where: string, at: Node): string {
  const body = f.get('body');
  const file = f.get('file');
  if (body && file) throw src.error(`${where} has both 'body' and 'file'; give one`, file.key);
  if (file) {
    const name = src.toJS(file.value);
    if (typeof name !== 'string' || name === '') throw src.error(`'file' of ${where} must be a path`, file.value ?? file.key);
    const path = isAbsolute(name) ? name : resolve(dirname(src.file), name);
    return readRegularFile(path, { input: 'probe-file' });
  }
  if (!body) throw src.error(`${where} needs a 'body' (a JSON value) or a 'file'`, at);
  const v = src.toJS(body.value);
  return typeof v === 'string' ? v : JSON.stringify(v ?? null);
}

function requestAt(src: YamlSource, node: Node, i: number): ProbeRequest {
  if (!isMap(node)) throw src.error(`request ${i + 1} must be a mapping with 'body' or 'file'`, node);
  const f = fields(src, node, REQUEST, `requests[${i}]`);
  const named = src.toJS(f.get('name')?.value);
  const name = typeof named === 'string' && named !== '' ? named : `request ${i + 1}`;
  const where = `'${name}'`;
  const expectNode = f.get('expect')?.value;
  const expect: ProbeRequest['expect'] = { status: 200 };
  if (expectNode !== undefined) {
    if (!isMap(expectNode)) throw src.error(`'expect' of ${where} must be a mapping (status, output, tolerance)`, expectNode);
    const e = fields(src, expectNode, EXPECT, `requests[${i}].expect`);
    if (e.has('status')) expect.status = numberAt(src, e.get('status')!.value, `'expect.status' of ${where}`, 100, 599, true);
    if (e.has('output')) expect.output = src.toJS(e.get('output')!.value) ?? null;
    if (e.has('tolerance')) expect.tolerance = numberAt(src, e.get('tolerance')!.value, `'expect.tolerance' of ${where}`, 0, Number.MAX_VALUE, false);
  }
  return { name, body: bodyOf(src, f, where, node), headers: headersAt(src, f.get('headers')?.value, where), expect, location: src.locate(node) };
}

export function parseProbeText(text: string, file: string): ProbeFile {
  const src = parseYamlText(text, file);
  const top = fields(src, src.root, TOP);
  const rate = top.has('rate') ? numberAt(src, top.get('rate')!.value, "'rate'", 0, PROBE_MAX_RATE, false) : 1;
  const list = top.get('requests')?.value;
  if (!isSeq(list) || list.items.length === 0) throw src.error("'requests' must be a list of one or more requests", list ?? src.root);
  const requests = list.items.map((item, i) => requestAt(src, src.deref(item as Node) as Node, i));
  return { file, rate, requests };
}

export function loadProbeFile(path: string): ProbeFile {
  return parseProbeText(readRegularFile(path, { input: 'probe-file' }), path);
}
