/**
 * The ways users name a model version, as `az ml` and the Azure ML SDK accept them:
 *   name (+ a separate version input)     name:version       azureml:name:version      azureml:name@latest
 *   azureml:name@<alias>  (the version holding that alias tag, see aliases.ts)
 *   azureml://locations/<loc>/workspaces/<workspace guid>/models/<n>/versions/<v>      (a workspace asset id)
 *   azureml://subscriptions/<s>/resourceGroups/<rg>/workspaces/<w>/models/<n>/versions/<v>
 *   /subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<w>/models/<n>/versions/<v>
 *   azureml://registries/<r>/models/<n>/versions/<v>  (or …/labels/<label>), or a registry ARM id: already in a registry
 */
import { inputError } from '../core/errors';
import { checkModelVersion, GUID, MODEL_NAME, modelVersionProblem, REGISTRY_NAME } from '../core/names';

export type ModelReference =
  /** In the step's workspace, by name and either a version or a label (`latest` or an alias) */
  | { kind: 'workspace'; name: string; version?: string; label?: string }
  /** azureml://locations/…: the workspace is known by its immutable GUID and region */
  | { kind: 'workspace-asset'; location: string; workspaceId: string; name: string; version: string }
  /** An ARM id or azureml://subscriptions/… of a workspace model version */
  | { kind: 'workspace-arm'; subscriptionId: string; resourceGroup: string; workspace: string; name: string; version: string }
  /** Already in a registry */
  | {
      kind: 'registry';
      registry: string;
      name: string;
      version?: string;
      label?: string;
      subscriptionId?: string;
      resourceGroup?: string;
    };

export interface ParseReferenceOptions {
  /** Input the text came from, for messages (default 'model') */
  input?: string;
  /** A version given separately (e.g. the `model-version` input) */
  version?: string;
  /** Name of that input, for messages (default 'model-version') */
  versionInput?: string;
}

const NAME = MODEL_NAME;
const LABEL = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const REGISTRY = REGISTRY_NAME;

const SEG = '([^/]+)';
const PROVIDER = 'providers/Microsoft\\.MachineLearningServices';
const WS_ARM = new RegExp(`^/subscriptions/${SEG}/resourceGroups/${SEG}/${PROVIDER}/workspaces/${SEG}/models/${SEG}/versions/${SEG}/?$`, 'i');
const REG_ARM = new RegExp(`^/subscriptions/${SEG}/resourceGroups/${SEG}/${PROVIDER}/registries/${SEG}/models/${SEG}/versions/${SEG}/?$`, 'i');
const WS_ASSET = new RegExp(`^azureml://locations/${SEG}/workspaces/${SEG}/models/${SEG}/versions/${SEG}/?$`, 'i');
const WS_LONG = new RegExp(`^azureml://subscriptions/${SEG}/resourceGroups/${SEG}/workspaces/${SEG}/models/${SEG}/versions/${SEG}/?$`, 'i');
const REG_ASSET = new RegExp(`^azureml://registries/${SEG}/models/${SEG}/(versions|labels)/${SEG}/?$`, 'i');

const FORMS =
  "name with a version, 'name:version', 'azureml:name:version', 'azureml:name@latest', an azureml:// asset id, or an ARM id of the model version";

export function parseModelReference(text: string, opts: ParseReferenceOptions = {}): ModelReference {
  const input = opts.input ?? 'model';
  const versionInput = opts.versionInput ?? 'model-version';
  const raw = text.trim();
  const fail = (why: string, hint?: string): never => {
    throw inputError(`Input '${input}': ${why}`, { input, hint: hint ?? `Name the model as ${FORMS}.` });
  };
  if (raw === '') fail('is empty');

  const separate = opts.version?.trim() || undefined;
  if (separate !== undefined) checkModelVersion(separate, versionInput);
  const check = (ref: ModelReference): ModelReference => {
    if (!NAME.test(ref.name)) fail(`'${ref.name}' is not a valid model name (letters, digits, '-' and '_', starting with a letter or digit)`);
    const problem = 'version' in ref && ref.version !== undefined ? modelVersionProblem(ref.version) : undefined;
    if (problem) fail(`'${ref.version}' is not a valid model version (${problem})`);
    if ('label' in ref && ref.label !== undefined && !LABEL.test(ref.label)) fail(`'@${ref.label}' is not a valid label (latest, or an alias name)`);
    if (ref.kind === 'registry' && !REGISTRY.test(ref.registry)) fail(`'${ref.registry}' is not a valid registry name`);
    if (ref.kind === 'workspace-asset' && !GUID.test(ref.workspaceId)) {
      fail(`'${ref.workspaceId}' is not a workspace GUID`, 'azureml://locations/<region>/workspaces/<guid>/… ids carry the workspace GUID (workspaceId), not its name.');
    }
    // A version written into the reference and a different one given separately is ambiguous.
    const written = 'version' in ref ? ref.version : undefined;
    if (separate !== undefined && ref.kind !== 'workspace' && written !== undefined && written !== separate) {
      throw inputError(`Input '${input}' names version ${written} but input '${versionInput}' says ${separate}`, { input: versionInput });
    }
    return ref;
  };
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };

  // Path forms, with or without an `azureml:` prefix in front of an ARM id.
  const path = raw.replace(/^azureml:(?=\/subscriptions\/)/i, '');
  let m: RegExpExecArray | null;
  if ((m = WS_ARM.exec(path)) || (m = WS_LONG.exec(path))) {
    const [, subscriptionId, resourceGroup, workspace, name, version] = m.map(dec) as [string, string, string, string, string, string];
    return check({ kind: 'workspace-arm', subscriptionId, resourceGroup, workspace, name, version });
  }
  if ((m = REG_ARM.exec(path))) {
    const [, subscriptionId, resourceGroup, registry, name, version] = m.map(dec) as [string, string, string, string, string, string];
    return check({ kind: 'registry', registry, name, version, subscriptionId, resourceGroup });
  }
  if ((m = WS_ASSET.exec(path))) {
    const [, location, workspaceId, name, version] = m.map(dec) as [string, string, string, string, string];
    return check({ kind: 'workspace-asset', location, workspaceId, name, version });
  }
  if ((m = REG_ASSET.exec(path))) {
    const [, registry, name, which, value] = m.map(dec) as [string, string, string, string, string];
    return check(which.toLowerCase() === 'versions' ? { kind: 'registry', registry, name, version: value } : { kind: 'registry', registry, name, label: value });
  }
  if (/^azureml:\/\//i.test(raw) || raw.startsWith('/')) {
    fail(`cannot read '${raw}' as a model version id`);
  }

  // Short forms: [azureml:]name[:version|@label]
  const short = raw.replace(/^azureml:/i, '');
  let name = short;
  let version: string | undefined;
  let label: string | undefined;
  const at = short.indexOf('@');
  const colon = short.indexOf(':');
  if (at >= 0 && (colon < 0 || at < colon)) {
    name = short.slice(0, at);
    label = short.slice(at + 1);
    if (label === '') fail(`'${raw}' has nothing after '@'`);
    if (short.slice(at + 1).includes(':')) fail(`'${raw}' has both a label and a version`);
  } else if (colon >= 0) {
    name = short.slice(0, colon);
    version = short.slice(colon + 1);
    if (version === '') fail(`'${raw}' has nothing after ':'`);
    if (version.includes(':') || version.includes('@')) fail(`cannot read '${raw}': expected at most one ':' (name:version)`);
  }
  if (name === '') fail(`'${raw}' has no model name`);

  if (version !== undefined && separate !== undefined && version !== separate) {
    throw inputError(`Input '${input}' names version ${version} but input '${versionInput}' says ${separate}`, { input: versionInput });
  }
  if (label !== undefined && separate !== undefined) {
    throw inputError(`Input '${input}' asks for @${label} but input '${versionInput}' gives version ${separate}; give one of them`, { input: versionInput });
  }
  version ??= separate;
  if (version === undefined && label === undefined) {
    fail(`'${raw}' has no version`, `Give input '${versionInput}', or write 'azureml:${name}:<version>' or 'azureml:${name}@latest'.`);
  }
  return check(label !== undefined ? { kind: 'workspace', name, label } : { kind: 'workspace', name, version });
}

/** How messages name a reference. */
export function describeModelReference(ref: ModelReference): string {
  const v = 'version' in ref && ref.version !== undefined ? `:${ref.version}` : 'label' in ref && ref.label ? `@${ref.label}` : '';
  switch (ref.kind) {
    case 'workspace':
      return `azureml:${ref.name}${v}`;
    case 'workspace-asset':
      return `azureml://locations/${ref.location}/workspaces/${ref.workspaceId}/models/${ref.name}/versions/${ref.version}`;
    case 'workspace-arm':
      return `${ref.name}${v} in workspace '${ref.workspace}' (resource group '${ref.resourceGroup}')`;
    case 'registry':
      return `azureml://registries/${ref.registry}/models/${ref.name}/${ref.version !== undefined ? `versions/${ref.version}` : `labels/${ref.label}`}`;
  }
}
