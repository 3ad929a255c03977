/**
 * A baseline's data-quality statistics saved as JSON, so a check can run against a profile instead of the baseline
 * file. The file names its kind and a version; a reader refuses other versions rather than guess.
 *
 *   { "kind": "aml-lifecycle/data-profile", "version": 1, "source": …, "rowCount": …, "duplicateRowRate": …,
 *     "columns": [{ "name", "dtype", "type", "min"?, "max"?, "categories"?, "keys"?, "rates": {…} }] }
 *
 * Non-finite numbers (a NaN maximum) are written as the strings "NaN", "Infinity", "-Infinity".
 */
import { writeFileSync } from 'node:fs';
import { inputError } from '../../core/errors';
import { readRegularFile } from '../../core/files';
import type { QualityBaseline, QualityColumnBaseline } from './quality';
import { QUALITY_METRICS } from './thresholds';
import type { DType } from './types';

export const PROFILE_KIND = 'aml-lifecycle/data-profile';
export const PROFILE_VERSION = 1;
const MAX_PROFILE_BYTES = 256 * 1024 * 1024;
const DTYPES: ReadonlySet<string> = new Set([
  'double',
  'float',
  'decimal',
  'bigint',
  'int',
  'smallint',
  'tinyint',
  'string',
  'boolean',
  'timestamp',
  'date',
  'binary',
  'unsupported',
]);

const encodeNumber = (x: number): number | string => (Number.isFinite(x) ? x : String(x));

export function profileJson(baseline: QualityBaseline): string {
  return JSON.stringify(
    {
      kind: PROFILE_KIND,
      version: PROFILE_VERSION,
      source: baseline.source,
      rowCount: baseline.rowCount,
      duplicateRowRate: baseline.duplicateRowRate,
      columns: baseline.columns.map((c) => ({
        ...c,
        ...(c.min !== undefined ? { min: encodeNumber(c.min) } : {}),
        ...(c.max !== undefined ? { max: encodeNumber(c.max) } : {}),
      })),
    },
    null,
    1,
  );
}

export function saveProfile(baseline: QualityBaseline, path: string): void {
  if (Number.isNaN(baseline.duplicateRowRate)) throw new Error('internal: a baseline profiled without counting duplicate rows cannot be saved');
  writeFileSync(path, profileJson(baseline) + '\n');
}

function fail(path: string, message: string): never {
  throw inputError(`Data profile '${path}': ${message}`, { location: { file: path } });
}

function numberField(path: string, v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
  return fail(path, `${what} must be a number`);
}

function stringList(path: string, v: unknown, what: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) fail(path, `${what} must be a list of strings`);
  return v as string[];
}

function column(path: string, raw: unknown, i: number): QualityColumnBaseline {
  const at = `columns[${i}]`;
  if (typeof raw !== 'object' || raw === null) fail(path, `${at} must be an object`);
  const c = raw as Record<string, unknown>;
  if (typeof c.name !== 'string') fail(path, `${at}.name must be a string`);
  if (typeof c.dtype !== 'string' || !DTYPES.has(c.dtype)) fail(path, `${at}.dtype must be one of ${[...DTYPES].join(', ')}`);
  if (c.type !== null && c.type !== 'numerical' && c.type !== 'categorical') fail(path, `${at}.type must be numerical, categorical or null`);
  const rates: QualityColumnBaseline['rates'] = {};
  if (typeof c.rates !== 'object' || c.rates === null) fail(path, `${at}.rates must be an object`);
  for (const [k, v] of Object.entries(c.rates as Record<string, unknown>)) {
    if (!(QUALITY_METRICS as readonly string[]).includes(k)) fail(path, `${at}.rates has an unknown metric '${k}'`);
    rates[k as keyof typeof rates] = numberField(path, v, `${at}.rates.${k}`);
  }
  return {
    name: c.name,
    dtype: c.dtype as DType,
    type: c.type as QualityColumnBaseline['type'],
    ...(c.min !== undefined ? { min: numberField(path, c.min, `${at}.min`) } : {}),
    ...(c.max !== undefined ? { max: numberField(path, c.max, `${at}.max`) } : {}),
    ...(c.categories !== undefined ? { categories: stringList(path, c.categories, `${at}.categories`) } : {}),
    ...(c.keys !== undefined ? { keys: stringList(path, c.keys, `${at}.keys`) } : {}),
    rates,
  };
}

/** Reads a profile written by `saveProfile` (a regular file only), checking its kind, version and fields. */
export function loadProfile(path: string): QualityBaseline {
  const text = readRegularFile(path, { maxBytes: MAX_PROFILE_BYTES });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail(path, `not JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null) fail(path, 'must be a JSON object');
  const o = raw as Record<string, unknown>;
  if (o.kind !== PROFILE_KIND) fail(path, `kind must be '${PROFILE_KIND}'`);
  if (o.version !== PROFILE_VERSION) fail(path, `version ${JSON.stringify(o.version)} is not supported (this build reads version ${PROFILE_VERSION})`);
  if (!Array.isArray(o.columns)) fail(path, 'columns must be a list');
  return {
    source: typeof o.source === 'string' ? o.source : path,
    rowCount: numberField(path, o.rowCount, 'rowCount'),
    duplicateRowRate: numberField(path, o.duplicateRowRate, 'duplicateRowRate'),
    columns: (o.columns as unknown[]).map((c, i) => column(path, c, i)),
  };
}
