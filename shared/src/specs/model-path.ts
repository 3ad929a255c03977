/**
 * Classifies a model `path`: local file or folder (uploaded), a short datastore URI (expanded to the long form),
 * or a URI sent verbatim (long datastore URI, job output, MLflow run, storage/HTTPS URL).
 */
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { checkDatastoreUri, type WorkspaceScope } from './datastore-uri';
import { valueError, type ValueSource } from './value-source';

export type ModelPath =
  | { kind: 'local'; raw: string; absolutePath: string; isFile: boolean }
  | { kind: 'datastore'; raw: string; datastore: string; path: string }
  | { kind: 'uri'; raw: string; uri: string; datastoreRef?: { datastore: string; scope: WorkspaceScope } };

/** Schemes whose URIs `az ml` passes through without uploading (plain http is refused before this). */
const VERBATIM = /^(azureml|https|wasbs?|abfss?|adl):\/\//i;
const PATH_FORMS =
  "Use a local path, 'azureml://datastores/<datastore>/paths/<path>', 'azureml://jobs/<job>/outputs/...', 'runs:/<run>/<path>' or an https:// URL.";

export interface ClassifyOptions {
  /** Folder relative local paths resolve against. */
  baseDir: string;
  /** Wording for that folder in messages, e.g. "the folder of model.yml". */
  baseDescription: string;
  source: ValueSource;
}

export function classifyModelPath(raw: string, opts: ClassifyOptions): ModelPath {
  const value = raw.trim();
  if (value === '') throw valueError(opts.source, "the model 'path' is empty");
  const ds = checkDatastoreUri(value);
  if (ds && !ds.ok) throw valueError(opts.source, ds.problem, PATH_FORMS);
  if (ds?.ok && ds.form === 'short') return { kind: 'datastore', raw, datastore: ds.datastore, path: ds.path };
  if (ds?.ok && ds.form === 'long') return { kind: 'uri', raw, uri: value, datastoreRef: { datastore: ds.datastore, scope: ds.scope } };
  if (/^http:\/\//i.test(value)) {
    throw valueError(
      opts.source,
      `the model path '${value}' is a plain http:// URL; model files are only read over https://`,
      'Use the https:// address of the same files, or upload them to a datastore.',
    );
  }
  if (/^runs:\//.test(value) || VERBATIM.test(value)) return { kind: 'uri', raw, uri: value };
  if (/^azureml:/i.test(value)) {
    throw valueError(
      opts.source,
      `the model 'path' '${value}' is an asset reference, not a location of files`,
      PATH_FORMS,
    );
  }
  const absolutePath = resolve(opts.baseDir, value);
  let isFile: boolean;
  try {
    const st = statSync(absolutePath);
    if (!st.isFile() && !st.isDirectory()) throw new Error('not a file or folder');
    isFile = st.isFile();
  } catch {
    throw valueError(
      opts.source,
      `the model path '${value}' does not exist (looked for ${absolutePath}, relative to ${opts.baseDescription})`,
      'Point path at the model file or folder, or at a datastore, job output or https:// location.',
    );
  }
  return { kind: 'local', raw, absolutePath, isFile };
}

function lastSegment(path: ModelPath): string {
  let p = path.kind === 'datastore' ? path.path : path.kind === 'uri' ? path.uri : path.absolutePath;
  if (path.kind === 'uri') {
    try {
      p = new URL(path.uri).pathname;
    } catch {
      // not a URL the WHATWG parser understands: judge the raw text
    }
  }
  return basename(p.replace(/\/+$/, ''));
}

/** `az ml` refuses to register a single file as an MLflow model; remote paths are judged by a `.` in the last segment. */
export function assertMlflowFolder(path: ModelPath, source: ValueSource): void {
  const isFile = path.kind === 'local' ? path.isFile : lastSegment(path).includes('.');
  if (isFile) {
    throw valueError(
      source,
      `Model of type mlflow_model cannot register a file: '${path.raw}'`,
      "Point path at the MLflow model folder (the one holding the MLmodel file), or use type 'custom_model'.",
    );
  }
}
