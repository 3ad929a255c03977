/**
 * An online deployment's `model` (reference §1.4): a reference, an inline model mapping (registered before the
 * deployment: anonymously when it has no name), or, from the `model` step input only, a local path.
 */
import { isMap } from 'yaml';
import { buildModelVersion, modelSpecFromMapping, type ModelVersionPlan } from '../model-spec';
import type { MapEntry } from '../yaml-source';
import { parseAssetRef, type AssetRef } from './asset-refs';
import { checkLocalPath, type PathContext } from './local-paths';
import type { SpecReader } from './reader';

/** The name a plan of an anonymous model carries until the step names it after its content hash. */
export const ANONYMOUS_MODEL = 'anonymous-model';

export type ModelSource =
  | { kind: 'ref'; ref: AssetRef }
  /**
   * To be registered: `plan` is the ModelVersion request; when `anonymous`, the SDK names it after the content
   * upload hash, version "1", `isAnonymous: true` (plan.name is ANONYMOUS_MODEL until then).
   */
  | { kind: 'inline'; plan: ModelVersionPlan; anonymous: boolean };

export interface SourceOptions {
  /** Paths from the YAML (and set lines) resolve against the YAML's folder. */
  file: PathContext;
  /** Paths from single-value step inputs resolve against the working directory. */
  cwd: PathContext;
  kubernetes: boolean;
}

function boundaryCheck(r: SpecReader, plan: ModelVersionPlan, e: MapEntry, ctx: PathContext): void {
  if (plan.path.kind !== 'local') return;
  const checked = checkLocalPath(plan.path.absolutePath, ctx, 'any', 'model path');
  if ('problem' in checked) r.fail(e.value, checked.problem, checked.hint);
}

export function readModel(r: SpecReader, e: MapEntry | undefined, opts: SourceOptions): ModelSource | undefined {
  if (!e || r.isNull(e.value)) return undefined;
  if (isMap(e.value)) {
    const map = e.value;
    const spec = r.problems.guard(() => modelSpecFromMapping(r.view, map, opts.file.baseDir));
    if (!spec) return undefined;
    const anonymous = spec.fields.name === undefined;
    const plan = r.problems.guard(() =>
      buildModelVersion(spec, anonymous ? { name: ANONYMOUS_MODEL } : {}, { inputNames: { name: 'model', version: 'model', path: 'model' } }),
    );
    if (!plan) return undefined;
    boundaryCheck(r, plan, e, opts.file);
    return { kind: 'inline', plan, anonymous };
  }
  const text = r.str(e, 'model');
  if (text === undefined) return undefined;
  const parsed = parseAssetRef(text, 'models', { kubernetes: opts.kubernetes });
  if ('ref' in parsed) return { kind: 'ref', ref: parsed.ref };
  if ('problem' in parsed) return r.fail(e.value, parsed.problem, parsed.hint);
  if (!r.explicitInput(e)) {
    return r.fail(e.value, `'model' is '${text}': write a reference (azureml:<name>:<version>, azureml:<name>@latest, a registry URI) or a mapping with the model's 'path'`, `For a local model folder write it as a mapping: model: {path: ${text}}`);
  }
  const input = (r.origin(e.value).source as { input: string }).input;
  const plan = r.problems.guard(() =>
    buildModelVersion(undefined, { name: ANONYMOUS_MODEL, path: text }, { cwd: opts.cwd.baseDir, inputNames: { path: input } }),
  );
  if (!plan) return undefined;
  boundaryCheck(r, plan, e, opts.cwd);
  return { kind: 'inline', plan, anonymous: true };
}
