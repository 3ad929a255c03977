/** YAML values that become JSON (request bodies, expected values, JSON Schemas), and the files that hold them. */
import { extname } from 'node:path';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { StepError } from '../../core/errors';
import { readRegularFileInside } from '../../core/files';
import { parseYamlText } from '../../specs/yaml-source';
import type { MapEntry } from '../../specs/yaml-source';
import type { PolicyReader } from './reader';

/** Request bodies and schema files: at most this size. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * The JSON value of a YAML node: mappings in order, dates and timestamps as written (not as Date objects), and a
 * problem for `.inf` / `.nan`, which JSON cannot carry. `undefined` means a problem was recorded.
 */
export function nodeToJson(r: PolicyReader, node: Node | undefined, key: string): { value: unknown } | undefined {
  let bad = false;
  const walk = (n: Node | undefined): unknown => {
    const d = r.src.deref(n);
    if (d === undefined) return null;
    if (isMap(d)) {
      const o: Record<string, unknown> = {};
      for (const e of r.src.entries(d)) o[e.key] = walk(e.value);
      return o;
    }
    if (isSeq(d)) return d.items.map((x) => walk(x as Node));
    if (isScalar(d)) {
      const v = d.value;
      if (typeof v === 'number' && !Number.isFinite(v)) {
        bad = true;
        r.fail(d, `'${key}' holds ${String(v)}, which JSON cannot carry`, "Quote it to send the text, e.g. '.inf'.");
        return null;
      }
      if (v instanceof Date) return typeof d.source === 'string' ? d.source : v.toISOString();
      if (typeof v === 'bigint') return Number(v);
      return v ?? null;
    }
    return null;
  };
  const value = walk(node);
  return bad ? undefined : { value };
}

/** Reads a file named in the policy (inside its folder, a regular file), recording a problem at `e` when it cannot. */
export function readPolicyFile(r: PolicyReader, e: MapEntry, key: string): { path: string; text: string } | undefined {
  const raw = r.str(e, key);
  if (raw === undefined) return undefined;
  try {
    return readRegularFileInside(r.folder, raw, { maxBytes: MAX_BODY_BYTES });
  } catch (err) {
    if (!(err instanceof StepError)) throw err;
    return r.fail(e.value, `'${key}': ${err.message}`, err.hint ?? `Paths are relative to the policy's folder, ${r.folder}.`);
  }
}

/** A JSON Schema: a mapping written in the policy, or a .json / .yaml file. */
export function readSchema(r: PolicyReader, schema: MapEntry | undefined, schemaFile: MapEntry | undefined): Record<string, unknown> | undefined {
  if (r.present(schema) && r.present(schemaFile)) return r.fail(schemaFile.keyNode, "give 'schema' or 'schema_file', not both");
  if (r.present(schema)) {
    if (!isMap(schema.value)) return r.fail(schema.value, "'schema' must be a JSON Schema mapping (e.g. {type: array})");
    return nodeToJson(r, schema.value, 'schema')?.value as Record<string, unknown> | undefined;
  }
  if (!r.present(schemaFile)) return undefined;
  const file = readPolicyFile(r, schemaFile, 'schema_file');
  if (!file) return undefined;
  const ext = extname(file.path).toLowerCase();
  let value: unknown;
  try {
    if (ext === '.yml' || ext === '.yaml') {
      const doc = parseYamlText(file.text, file.path);
      value = doc.toJS(doc.root);
    } else value = JSON.parse(file.text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return r.fail(schemaFile.value, `'schema_file': '${String(r.src.toJS(schemaFile.value))}' is not ${ext === '.json' || ext === '' ? 'JSON' : 'YAML'}: ${why}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return r.fail(schemaFile.value, `'schema_file': '${String(r.src.toJS(schemaFile.value))}' must hold a JSON Schema object`);
  }
  return value as Record<string, unknown>;
}
