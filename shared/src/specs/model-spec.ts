/**
 * `az ml model create -f model.yml` files: loading with positions, step-input overrides, and the
 * ModelVersion request body `az ml` sends (PUT …/models/{name}/versions/{version}).
 */
import { datastoreNameProblem, modelVersionProblem } from '../core/names';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import { angleBracketPlaceholder } from './placeholders';
import { classifyModelPath, assertMlflowFolder, type ModelPath } from './model-path';
import { datastoreUri, expandShortDatastoreUri, type WorkspaceScope } from './datastore-uri';
import { scalarText } from './scalar-text';
import { unknownKeyError } from './unknown-key';
import { valueError, type ValueSource } from './value-source';
import { loadYamlFile, parseYamlText, type YamlSource } from './yaml-source';
import { MODEL_NAME } from '../core/names';

export const MODEL_TYPES = ['custom_model', 'mlflow_model', 'triton_model'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

export const DEFAULT_DATASTORE = 'workspaceblobstore';

const FIELDS = ['name', 'version', 'type', 'path', 'description', 'tags', 'properties', 'flavors', 'datastore', 'stage'] as const;
type FieldName = (typeof FIELDS)[number];
/** Accepted and dropped, as the SDK's schema does for dump-only keys. */
const DUMP_ONLY = new Set(['$schema', 'id', 'job_name', 'latest_version', 'creation_context', 'utc_time_created', 'intellectual_property']);

const NAME_PATTERN = MODEL_NAME;

export interface ModelFields {
  name?: string;
  version?: string;
  type?: ModelType;
  path?: string;
  description?: string;
  tags?: Record<string, string>;
  properties?: Record<string, string>;
  flavors?: Record<string, Record<string, string>>;
  datastore?: string;
  stage?: string;
}

/** A model YAML as read: the values it sets and where each one is. */
export interface ModelSpec {
  /** The file name as given (used in messages). */
  file: string;
  /** Folder that relative paths in the file resolve against. */
  baseDir: string;
  yaml: YamlSource;
  fields: ModelFields;
  /** `name`, `tags`, `tags.<key>`, … → where it is in the file. */
  sources: Record<string, ValueSource>;
}

/** Step inputs that override the YAML. Empty strings count as "not given" (hosts report unset inputs as ''). */
export interface ModelOverrides {
  name?: string;
  version?: string;
  type?: string;
  path?: string;
  description?: string;
  tags?: Record<string, string>;
  properties?: Record<string, string>;
  datastore?: string;
  stage?: string;
}

export interface BuildModelOptions {
  /** Step input names for each override, for messages and `sources` (default: the field name). */
  inputNames?: Partial<Record<keyof ModelOverrides, string>>;
  /** Folder an override `path` resolves against (default: process.cwd()). */
  cwd?: string;
  /**
   * Merge `tags`/`properties` inputs into the YAML's maps instead of replacing them. `az ml --tags` replaces
   * (it sets the whole key), which is the default here too.
   */
  mergeMaps?: boolean;
}

export interface ModelVersionBody {
  properties: {
    modelUri?: string;
    modelType: ModelType;
    description?: string;
    tags: Record<string, string>;
    properties: Record<string, string>;
    flavors?: Record<string, { data: Record<string, string> }>;
    stage?: string;
    isAnonymous: false;
  };
}

export interface ModelVersionPlan {
  name: string;
  /** undefined: use the model container's next version. */
  version?: string;
  /** `modelUri` is set for URIs sent verbatim; for local and short datastore paths see `resolveModelVersionBody`. */
  body: ModelVersionBody;
  path: ModelPath;
  /** Datastore a local path is uploaded to. */
  datastore: string;
  /** Where each final value came from: `name`, `version`, `type`, `path`, `tags.<key>`, … */
  sources: Record<string, ValueSource>;
}

function normaliseDatastore(value: string): string {
  const v = value.replace(/^azureml:/i, '');
  // An ARM id of a datastore: keep its name.
  const arm = /\/datastores\/([^/]+)\/?$/i.exec(v);
  return arm ? arm[1]! : v;
}

function readSpec(yaml: YamlSource, file: string, baseDir: string): ModelSpec {
  const fields: ModelFields = {};
  const sources: Record<string, ValueSource> = {};
  const at = (node: Node | undefined): ValueSource => ({ kind: 'yaml', location: yaml.locate(node) });

  const str = (key: string, node: Node | undefined, what = 'a string'): string | undefined => {
    const text = scalarText(node);
    if (text === null) return undefined;
    if (text === undefined || !isScalar(node) || typeof node.value !== 'string') {
      throw yaml.error(`'${key}' must be ${what}`, node, isScalar(node) ? `Quote the value: ${key}: "${text}"` : undefined);
    }
    return text;
  };

  const stringMap = (key: string, node: Node | undefined): Record<string, string> | undefined => {
    if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
    if (!isMap(node)) throw yaml.error(`'${key}' must be a mapping of names to values`, node);
    const out: Record<string, string> = {};
    for (const e of yaml.entries(node)) {
      const v = scalarText(e.value);
      if (v === undefined) throw yaml.error(`'${key}.${e.key}' must be a plain value, not a list or mapping`, e.value);
      // A key with no value (`team:`) is kept as an empty tag rather than rejected.
      out[e.key] = v ?? '';
      sources[`${key}.${e.key}`] = at(e.value ?? e.keyNode);
    }
    return out;
  };

  for (const entry of yaml.entries(yaml.root)) {
    const { key, keyNode, value } = entry;
    if (DUMP_ONLY.has(key)) continue;
    if (!(FIELDS as readonly string[]).includes(key)) throw unknownKeyError(yaml, keyNode, key, FIELDS);
    const field = key as FieldName;
    switch (field) {
      case 'name':
      case 'path':
      case 'description':
      case 'stage':
        fields[field] = str(field, value);
        break;
      case 'datastore': {
        const ds = str(field, value);
        fields.datastore = ds === undefined ? undefined : normaliseDatastore(ds);
        break;
      }
      case 'version': {
        const text = scalarText(value);
        if (text === undefined || (isScalar(value) && typeof value.value === 'boolean')) {
          throw yaml.error("'version' must be a number or a string", value);
        }
        if (isScalar(value) && typeof value.value === 'number' && !Number.isSafeInteger(value.value)) {
          // 1.10 would be read as 1.1, .inf and .nan are not versions: only whole numbers may go unquoted.
          throw yaml.error(`'version' is the number ${String(value.value)}; write a non-integer version as a quoted string (version: "${text}")`, value);
        }
        fields.version = text ?? undefined;
        break;
      }
      case 'type': {
        const t = str(field, value);
        if (t !== undefined) fields.type = parseModelType(t, at(value));
        break;
      }
      case 'tags':
      case 'properties':
        fields[field] = stringMap(field, value);
        break;
      case 'flavors':
        fields.flavors = readFlavors(yaml, value);
        break;
    }
    if (fields[field] !== undefined) sources[field] = at(value ?? keyNode);
  }
  return { file, baseDir, yaml, fields, sources };
}

function readFlavors(yaml: YamlSource, node: Node | undefined): Record<string, Record<string, string>> | undefined {
  if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
  if (!isMap(node)) throw yaml.error("'flavors' must be a mapping of flavor names to their settings", node);
  const out: Record<string, Record<string, string>> = {};
  for (const flavor of yaml.entries(node)) {
    const data: Record<string, string> = {};
    const v = flavor.value;
    if (v !== undefined && !(isScalar(v) && v.value === null)) {
      if (!isMap(v)) throw yaml.error(`'flavors.${flavor.key}' must be a mapping of settings`, v);
      for (const e of yaml.entries(v)) {
        const text = scalarText(e.value);
        // The REST type is a string map; nested settings (e.g. an MLmodel `env:` block) are sent as JSON text.
        data[e.key] = text === undefined ? JSON.stringify(yaml.toJS(e.value)) : (text ?? '');
      }
    }
    out[flavor.key] = data;
  }
  return out;
}

export function parseModelType(value: string, source: ValueSource): ModelType {
  const t = value.trim().toLowerCase();
  if ((MODEL_TYPES as readonly string[]).includes(t)) return t as ModelType;
  throw valueError(source, `unknown model type '${value}'; expected one of ${MODEL_TYPES.join(', ')}`);
}

/** Reads and checks a model YAML file. */
export function loadModelSpec(file: string): ModelSpec {
  return readSpec(loadYamlFile(file, { input: 'model-file' }), file, dirname(resolve(file)));
}

/** An inline model mapping inside another spec (an online deployment's `model:`), read like a model YAML. */
export function modelSpecFromMapping(yaml: YamlSource, map: YAMLMap, baseDir: string): ModelSpec {
  return readSpec({ ...yaml, root: map }, yaml.file, baseDir);
}

/** Same as loadModelSpec, from text already in memory (`file` is used for messages and relative paths). */
export function parseModelSpec(text: string, file: string): ModelSpec {
  return readSpec(parseYamlText(text, file), file, dirname(resolve(file)));
}

function given(v: string | undefined): v is string {
  return v !== undefined && v.trim() !== '';
}

/**
 * Applies overrides (YAML < inputs) and validates the result; `spec` may be undefined when everything comes from
 * inputs.
 */
export function buildModelVersion(spec: ModelSpec | undefined, overrides: ModelOverrides = {}, options: BuildModelOptions = {}): ModelVersionPlan {
  const fields: ModelFields = { ...(spec?.fields ?? {}) };
  const sources: Record<string, ValueSource> = { ...(spec?.sources ?? {}) };
  const inputName = (k: keyof ModelOverrides): string => options.inputNames?.[k] ?? k;
  const fromInput = (k: keyof ModelOverrides): ValueSource => ({ kind: 'input', input: inputName(k) });

  for (const k of ['name', 'version', 'path', 'description', 'stage'] as const) {
    const v = overrides[k];
    if (given(v)) {
      fields[k] = v.trim();
      sources[k] = fromInput(k);
    }
  }
  if (given(overrides.datastore)) {
    fields.datastore = normaliseDatastore(overrides.datastore.trim());
    sources.datastore = fromInput('datastore');
  }
  if (given(overrides.type)) {
    fields.type = parseModelType(overrides.type, fromInput('type'));
    sources.type = fromInput('type');
  }
  for (const k of ['tags', 'properties'] as const) {
    const v = overrides[k];
    // An empty map is what an unset input parses to: it keeps the YAML's map.
    if (v === undefined || Object.keys(v).length === 0) continue;
    if (!options.mergeMaps) {
      for (const key of Object.keys(sources)) if (key.startsWith(`${k}.`)) delete sources[key];
    }
    fields[k] = options.mergeMaps ? { ...(fields[k] ?? {}), ...v } : { ...v };
    for (const key of Object.keys(v)) sources[`${k}.${key}`] = fromInput(k);
    sources[k] = fromInput(k);
  }

  const src = (k: string): ValueSource => sources[k] ?? { kind: 'default' };

  for (const k of ['name', 'version', 'path', 'datastore', 'stage'] as const) {
    const v = fields[k];
    const s = sources[k];
    if (v === undefined || s?.kind !== 'yaml') continue;
    const ph = angleBracketPlaceholder(v);
    if (ph) {
      const input = inputName(k);
      throw valueError(s, `unfilled template placeholder '${ph}' in '${k}'`, `Replace it in the file, or give the value with the '${input}' input (inputs override the YAML).`);
    }
  }

  const name = fields.name;
  if (!given(name)) {
    throw valueError(
      spec ? { kind: 'yaml', location: spec.yaml.locate(spec.yaml.root) } : { kind: 'default' },
      `the model has no name: set 'name' in the YAML or the '${inputName('name')}' input`,
    );
  }
  if (!NAME_PATTERN.test(name)) {
    throw valueError(
      src('name'),
      `invalid model name '${name}': it must start with a letter or digit and contain only letters, digits, '-' and '_' (at most 255 characters)`,
    );
  }
  const version = fields.version;
  if (version !== undefined) {
    if (version.trim() === '') throw valueError(src('version'), "'version' is empty; omit it to use the next free version");
    const problem = modelVersionProblem(version);
    if (problem) throw valueError(src('version'), `invalid model version '${version}': ${problem}`);
  }

  const modelType = fields.type ?? 'custom_model';
  if (!fields.type) sources.type = { kind: 'default' };
  if (!given(fields.path)) {
    throw valueError(
      spec ? { kind: 'yaml', location: spec.yaml.locate(spec.yaml.root) } : { kind: 'default' },
      `the model has no path: set 'path' in the YAML or the '${inputName('path')}' input`,
    );
  }
  const pathSource = src('path');
  const fromYaml = pathSource.kind === 'yaml' && spec !== undefined;
  const cwd = options.cwd ?? process.cwd();
  const path = classifyModelPath(fields.path, {
    baseDir: fromYaml ? spec.baseDir : cwd,
    baseDescription: fromYaml ? `the folder of ${spec.file}` : `the working directory ${cwd}`,
    source: pathSource,
  });
  if (modelType === 'mlflow_model') assertMlflowFolder(path, pathSource);

  const datastore = fields.datastore ?? DEFAULT_DATASTORE;
  if (!fields.datastore) sources.datastore = { kind: 'default' };
  const datastoreProblem = datastoreNameProblem(datastore);
  if (datastoreProblem) throw valueError(src('datastore'), `invalid datastore '${datastore}': ${datastoreProblem}`);

  const props: ModelVersionBody['properties'] = {
    modelType,
    tags: fields.tags ?? {},
    properties: fields.properties ?? {},
    isAnonymous: false,
  };
  if (path.kind === 'uri') props.modelUri = path.uri;
  if (fields.description !== undefined) props.description = fields.description;
  if (fields.stage !== undefined) props.stage = fields.stage;
  if (fields.flavors !== undefined) {
    props.flavors = Object.fromEntries(Object.entries(fields.flavors).map(([k, data]) => [k, { data }]));
  }
  return { name, version, body: { properties: props }, path, datastore, sources };
}

/**
 * The model URI to send: verbatim URIs as they are, short datastore URIs expanded to the long form, and local
 * paths as the long-form URI of `uploadedPath` (the asset path the upload returned) in the plan's datastore.
 */
export function resolveModelUri(plan: ModelVersionPlan, scope: WorkspaceScope, uploadedPath?: string): string {
  switch (plan.path.kind) {
    case 'uri':
      return plan.path.uri;
    case 'datastore':
      return expandShortDatastoreUri(plan.path.raw.trim(), scope);
    case 'local':
      if (uploadedPath === undefined) throw new Error(`The model path ${plan.path.absolutePath} is local and must be uploaded first`);
      return datastoreUri(scope, plan.datastore, uploadedPath);
  }
}

/** The request body with `modelUri` filled in (see resolveModelUri). */
export function resolveModelVersionBody(plan: ModelVersionPlan, scope: WorkspaceScope, uploadedPath?: string): ModelVersionBody {
  return { properties: { ...plan.body.properties, modelUri: resolveModelUri(plan, scope, uploadedPath) } };
}
