/**
 * An online deployment's `environment` (reference §1.5): a reference, or an inline mapping that `az ml` registers
 * (anonymously, as `CliV2AnonymousEnvironment`, when it has no name) before the deployment.
 */
import { createHash } from 'node:crypto';
import { isMap, stringify } from 'yaml';
import { readRegularFile } from '../../core/files';
import { modelVersionProblem, MODEL_NAME } from '../../core/names';
import { scalarText } from '../scalar-text';
import { parseYamlText } from '../yaml-source';
import type { MapEntry } from '../yaml-source';
import { parseAssetRef, type AssetRef } from './asset-refs';
import { checkLocalPath } from './local-paths';
import type { SourceOptions } from './model-source';
import type { Entries, SpecReader } from './reader';

export const ANONYMOUS_ENVIRONMENT = 'CliV2AnonymousEnvironment';

const KEYS = ['name', 'version', 'image', 'conda_file', 'build', 'inference_config', 'os_type', 'description', 'tags', 'properties', 'datastore'] as const;
const DUMP_ONLY = ['$schema', 'id', 'creation_context', 'latest_version'];
const ROUTES = ['liveness_route', 'readiness_route', 'scoring_route'] as const;

export interface Route {
  port: number;
  path: string;
}

export interface EnvironmentVersionBody {
  properties: {
    image?: string;
    /** The conda file as PyYAML dumps it (sorted keys). */
    condaFile?: string;
    /** `contextUri` is set by the step after uploading a local context (with a trailing '/'). */
    build?: { contextUri?: string; dockerfilePath?: string };
    osType?: 'Linux' | 'Windows';
    inferenceConfig?: { livenessRoute?: Route; readinessRoute?: Route; scoringRoute?: Route };
    description?: string;
    tags: Record<string, string>;
    properties: Record<string, string>;
    isAnonymous: boolean;
  };
}

export interface EnvironmentSpec {
  /** ANONYMOUS_ENVIRONMENT when the YAML gives no name. */
  name: string;
  /** Absent for a named environment without a version (the next one), and for anonymous build contexts (content hash). */
  version?: string;
  anonymous: boolean;
  body: EnvironmentVersionBody;
  /** A local Docker build context to upload (`build.path`), or a remote one already in `body`. */
  buildContext?: { kind: 'local'; path: string } | { kind: 'uri'; uri: string };
  /** Absolute path of the conda file read, when it was a file. */
  condaFilePath?: string;
  datastore?: string;
  /** `inference_config` as written (it enters the anonymous version hash). */
  inferenceConfigRaw?: unknown;
}

export type EnvironmentSource = { kind: 'ref'; ref: AssetRef } | { kind: 'inline'; spec: EnvironmentSpec };

/** A mapping as `yaml.dump(value, sort_keys=True)` writes it (block style, lists not indented). */
export function pyyamlDump(value: unknown): string {
  return stringify(value, { version: '1.1', sortMapEntries: true, indentSeq: false, singleQuote: true, lineWidth: 0, nullStr: 'null' });
}

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');
/** Python's `sep.join(text)`: sep between every character (how the SDK combines digests, reference §1.5). */
const pyJoin = (sep: string, text: string): string => [...text].join(sep);

/** The anonymous version az ml gives an image-based inline environment, so the same one is reused. */
export function anonymousImageEnvironmentVersion(spec: EnvironmentSpec): string | undefined {
  const p = spec.body.properties;
  if (p.image === undefined) return undefined;
  let h = md5(p.image);
  if (spec.inferenceConfigRaw !== undefined) h = pyJoin(h, md5(pyyamlDump(spec.inferenceConfigRaw)));
  if (p.condaFile !== undefined) h = pyJoin(h, md5(p.condaFile));
  return md5(h);
}

/** The anonymous version az ml gives an environment built from an uploaded context (its content hash and Dockerfile path). */
export function anonymousBuildEnvironmentVersion(uploadHash: string, dockerfilePath?: string): string {
  let h = md5(uploadHash);
  if (dockerfilePath !== undefined) h = pyJoin(h, md5(dockerfilePath));
  return md5(h);
}

function readRoutes(r: SpecReader, e: MapEntry | undefined): { rest?: EnvironmentVersionBody['properties']['inferenceConfig']; raw?: unknown } {
  const cfg = r.map(e?.value, 'environment.inference_config', ROUTES);
  if (!cfg) return {};
  const rest: NonNullable<EnvironmentVersionBody['properties']['inferenceConfig']> = {};
  const names = { liveness_route: 'livenessRoute', readiness_route: 'readinessRoute', scoring_route: 'scoringRoute' } as const;
  for (const k of ROUTES) {
    const route = r.map(cfg[k]?.value, `environment.inference_config.${k}`, ['port', 'path']);
    if (!route) continue;
    const port = r.int(route.port, `${k}.port`, { min: 1, max: 65535 });
    const path = r.str(route.path, `${k}.path`);
    if (port === undefined || path === undefined) {
      r.fail(cfg[k]!.value, `'environment.inference_config.${k}' needs both 'port' and 'path'`);
      continue;
    }
    rest[names[k]] = { port, path };
  }
  return { rest, raw: r.yaml.toJS(e!.value) };
}

function readConda(r: SpecReader, e: MapEntry | undefined, opts: SourceOptions): { text?: string; path?: string } {
  if (!e || r.isNull(e.value)) return {};
  if (isMap(e.value)) return { text: pyyamlDump(r.yaml.toJS(e.value)) };
  const rel = r.str(e, 'environment.conda_file');
  if (rel === undefined) return {};
  const checked = checkLocalPath(rel, opts.file, 'file', 'conda file');
  if ('problem' in checked) return r.fail(e.value, checked.problem, checked.hint) ?? {};
  const conda = r.problems.guard(() => parseYamlText(readRegularFile(checked.path), checked.path));
  return conda ? { text: pyyamlDump(conda.toJS(conda.root)), path: checked.path } : {};
}

function readInline(r: SpecReader, e: MapEntry, f: Entries, opts: SourceOptions): EnvironmentSource | undefined {
  const name = r.str(f.name, 'environment.name');
  const versionText = r.isNull(f.version?.value) ? null : scalarText(f.version?.value);
  if (versionText === undefined) r.fail(f.version?.value, "'environment.version' must be a plain value");
  const version = versionText ?? undefined;
  if (name !== undefined && !MODEL_NAME.test(name)) r.fail(f.name!.value, `'${name}' is not a valid environment name`);
  if (version !== undefined && name === undefined) r.fail(f.version!.value, 'If version is specified, name must be specified also.');
  if (version !== undefined && modelVersionProblem(version)) r.fail(f.version!.value, `invalid environment version '${version}': ${modelVersionProblem(version)}`);
  const image = r.str(f.image, 'environment.image');
  const build = r.map(f.build?.value, 'environment.build', ['path', 'dockerfile_path']);
  if ((image === undefined) === (build === undefined)) {
    r.fail(e.value, image === undefined ? 'Docker image or Dockerfile is required for environments' : "Docker image or Dockerfile should be provided not both: give 'image' or 'build'");
  }
  const props: EnvironmentVersionBody['properties'] = {
    tags: r.stringMap(f.tags, 'tags') ?? {},
    properties: r.stringMap(f.properties, 'properties') ?? {},
    isAnonymous: name === undefined,
  };
  if (image !== undefined) props.image = image;
  const conda = readConda(r, f.conda_file, opts);
  if (conda.text !== undefined) props.condaFile = conda.text;
  const os = r.choice(f.os_type, 'environment.os_type', ['linux', 'windows']);
  if (os) props.osType = os === 'linux' ? 'Linux' : 'Windows';
  const description = r.str(f.description, 'description', { freeText: true });
  if (description !== undefined) props.description = description;
  const routes = readRoutes(r, f.inference_config);
  if (routes.rest) props.inferenceConfig = routes.rest;
  const spec: EnvironmentSpec = { name: name ?? ANONYMOUS_ENVIRONMENT, anonymous: name === undefined, body: { properties: props } };
  if (version !== undefined) spec.version = version;
  if (conda.path) spec.condaFilePath = conda.path;
  if (routes.raw !== undefined) spec.inferenceConfigRaw = routes.raw;
  const datastore = r.str(f.datastore, 'environment.datastore');
  if (datastore !== undefined) spec.datastore = datastore.replace(/^azureml:/i, '');
  if (build) {
    const context = r.str(build.path, 'environment.build.path');
    const dockerfile = r.str(build.dockerfile_path, 'environment.build.dockerfile_path');
    props.build = dockerfile === undefined ? {} : { dockerfilePath: dockerfile };
    if (context === undefined) r.fail(f.build!.value, "'environment.build' needs 'path' (the Docker build context)");
    else if (/^(https?|azureml|git\+?\w*):\/\//i.test(context)) {
      props.build.contextUri = context;
      spec.buildContext = { kind: 'uri', uri: context };
    } else {
      const checked = checkLocalPath(context, opts.file, 'folder', 'build context');
      if ('problem' in checked) r.fail(build.path!.value, checked.problem, checked.hint);
      else spec.buildContext = { kind: 'local', path: checked.path };
    }
  }
  if (spec.anonymous && image !== undefined) spec.version = anonymousImageEnvironmentVersion(spec);
  return { kind: 'inline', spec };
}

export function readEnvironment(r: SpecReader, e: MapEntry | undefined, opts: SourceOptions): EnvironmentSource | undefined {
  if (!e || r.isNull(e.value)) return undefined;
  if (isMap(e.value)) {
    const f = r.map(e.value, 'environment', KEYS, DUMP_ONLY);
    return f ? readInline(r, e, f, opts) : undefined;
  }
  const text = r.str(e, 'environment');
  if (text === undefined) return undefined;
  const parsed = parseAssetRef(text, 'environments', { kubernetes: opts.kubernetes });
  if ('ref' in parsed) return { kind: 'ref', ref: parsed.ref };
  if ('problem' in parsed) return r.fail(e.value, parsed.problem, parsed.hint);
  return r.fail(e.value, `'environment' is '${text}': write a reference (azureml:<name>:<version>, azureml:<name>@latest, a registry URI) or an inline environment with 'image'`);
}
