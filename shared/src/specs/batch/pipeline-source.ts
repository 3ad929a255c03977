/**
 * What a `type: pipeline` batch deployment runs (reference §3.4): `component`, a pipeline component YAML file next
 * to the spec (the step registers it) or a component reference; or `job_definition`, `azureml:<pipeline job>`, from
 * which the step creates a component (`sourceJobId`). The deployment sends the component's id.
 */
import { isMap } from 'yaml';
import { parseAssetRef, type AssetRef } from '../online/asset-refs';
import { checkLocalPath, type PathContext } from '../online/local-paths';
import type { Entries, SpecReader } from '../online/reader';

export type ComponentSource =
  /** A registered component: a version, `@latest` (the step looks it up), `@default` (sent as the labelled id), a registry URI or an ARM id. */
  | { kind: 'ref'; ref: AssetRef }
  /** A pipeline component YAML file to register (absolute path). */
  | { kind: 'local'; path: string }
  /** A pipeline job (its name, or its ARM id) to turn into a component. */
  | { kind: 'job'; job: string };

const JOB_NAME = /^[A-Za-z0-9][\w.-]{0,254}$/;

function readComponent(r: SpecReader, f: Entries, file: PathContext): ComponentSource | undefined {
  const e = f.component!;
  if (isMap(e.value)) return r.fail(e.value, "'component' must be a pipeline component file or an azureml: reference", 'An inline component is not read; put it in its own YAML file and name that file.');
  const text = r.str(e, 'component');
  if (text === undefined) return undefined;
  const parsed = parseAssetRef(text, 'components');
  if ('ref' in parsed) return { kind: 'ref', ref: parsed.ref };
  if ('problem' in parsed) return r.fail(e.value, parsed.problem, parsed.hint);
  const checked = checkLocalPath(text, file, 'file', 'pipeline component file');
  if ('problem' in checked) return r.fail(e.value, checked.problem, checked.hint);
  return { kind: 'local', path: checked.path };
}

function readJobDefinition(r: SpecReader, f: Entries): ComponentSource | undefined {
  const e = f.job_definition!;
  const text = r.str(e, 'job_definition');
  if (text === undefined) return undefined;
  const m = /^azureml:(.*)$/i.exec(text.trim());
  if (!m) return r.fail(e.value, `'job_definition' is '${text}': write the pipeline job as azureml:<job-name>`, `Write job_definition: azureml:${text.trim()}`);
  const job = m[1]!;
  if (job.startsWith('/')) {
    if (!/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/jobs\/[^/]+$/i.test(job)) {
      return r.fail(e.value, `'${job}' is not the ARM id of a job (…/workspaces/<workspace>/jobs/<name>)`);
    }
  } else if (!JOB_NAME.test(job)) return r.fail(e.value, `'${job}' is not a valid job name`);
  return { kind: 'job', job };
}

/** The component to deploy; `component` wins over `job_definition` as in the SDK (with a warning when both are given). */
export function readComponentSource(r: SpecReader, f: Entries, file: PathContext, warnings: string[]): ComponentSource | undefined {
  const hasComponent = r.present(f.component);
  const hasJob = r.present(f.job_definition);
  if (!hasComponent && !hasJob) {
    r.fail(r.origin(r.yaml.root), "a pipeline deployment (type: pipeline) needs 'component' (a pipeline component YAML file or an azureml: reference) or 'job_definition' (azureml:<pipeline job>)");
    return undefined;
  }
  if (hasComponent && hasJob) warnings.push("'job_definition' is ignored: the deployment uses 'component' (az ml does the same when both are given).");
  return hasComponent ? readComponent(r, f, file) : readJobDefinition(r, f);
}
