/**
 * References to model, environment, code and component assets as azure-ai-ml reads them (reference §0.14):
 * registry URIs and ARM ids are sent as they are, `azureml:<name>:<version>` becomes the workspace asset's ARM id,
 * `azureml:<name>@latest` needs a look-up, a component's `@default` is its labelled ARM id, curated
 * `azureml:AzureML-…` environments are sent verbatim.
 */
import { MODEL_NAME, modelVersionProblem } from '../../core/names';
import type { WorkspaceScope } from '../datastore-uri';

export type AssetType = 'models' | 'environments' | 'codes' | 'components';

export type AssetRef =
  /** Final: a registry URI, an ARM id, or a curated environment (`azureml:AzureML-…`). */
  | { form: 'id'; id: string }
  /** A workspace asset version: its ARM id needs only the workspace scope (assetRefId). */
  | { form: 'version'; name: string; version: string }
  /** A label (`latest`, for models an alias, for components `default`): the step looks `latest` and aliases up. */
  | { form: 'label'; name: string; label: string };

export type RefResult = { ref: AssetRef } | { problem: string; hint?: string } | { notRef: true };

const SINGULAR: Record<AssetType, string> = { models: 'model', environments: 'environment', codes: 'code', components: 'component' };
const REGISTRY = /^azureml:\/\/registries\/([^/]+)\/(models|environments|codes|components)\/([^/]+)\/(versions|labels)\/([^/]+)$/i;
const ARM = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/(workspaces|registries)\/[^/]+\/(models|environments|codes|components)\/[^/]+\/versions\/[^/]+$/i;

export interface RefOptions {
  /** Kubernetes deployments refuse registry references (reference §7). */
  kubernetes?: boolean;
}

function forms(type: AssetType): string {
  const what = SINGULAR[type];
  return `azureml:<${what}-name>:<version>, azureml:<${what}-name>@latest, azureml://registries/<registry>/${type}/<name>/versions/<version> or azureml:/subscriptions/…/${type}/<name>/versions/<version>`;
}

/** Reads a reference string; `{notRef: true}` when it is not written as one (a local path, for instance). */
export function parseAssetRef(raw: string, type: AssetType, options: RefOptions = {}): RefResult {
  const value = raw.trim();
  const what = SINGULAR[type];
  const reg = REGISTRY.exec(value);
  if (reg) {
    if (reg[2]!.toLowerCase() !== type) return { problem: `'${value}' is a registry reference to ${reg[2]}, not to ${type === 'environments' ? 'an' : 'a'} ${what}` };
    if (options.kubernetes) return { problem: `Registry reference for ${what} is not supported for K8SDeployment: '${value}'`, hint: `Use a ${what} of the workspace (azureml:<name>:<version>).` };
    return { ref: { form: 'id', id: value } };
  }
  if (/^azureml:\/\//i.test(value)) return { problem: `'${value}' is not a ${what} reference az ml reads`, hint: `Use ${forms(type)}.` };
  if (/^\/subscriptions\//i.test(value)) return { problem: `the ARM id '${value}' needs the 'azureml:' prefix`, hint: `Write azureml:${value}` };
  if (!/^azureml:/i.test(value)) {
    return /^[A-Za-z0-9][\w.-]*[:@][\w.-]+$/.test(value) && !/^[A-Za-z]:[\\/]/.test(value)
      ? { problem: `'${value}' looks like an asset reference without the 'azureml:' prefix`, hint: `Write azureml:${value}` }
      : { notRef: true };
  }
  const rest = value.slice('azureml:'.length);
  if (rest.startsWith('/')) {
    const arm = ARM.exec(rest);
    if (!arm || arm[2]!.toLowerCase() !== type) {
      return { problem: `'${value}' is not the ARM id of a ${what} version`, hint: `Use ${forms(type)}.` };
    }
    return { ref: { form: 'id', id: rest } };
  }
  if (type === 'environments' && /^AzureML-/.test(rest)) return { ref: { form: 'id', id: value } };
  const m = /^([^:@]+)(?:([:@])(.*))?$/.exec(rest);
  const name = m?.[1] ?? '';
  if (!m || !MODEL_NAME.test(name)) return { problem: `'${value}': '${name}' is not a valid ${what} name`, hint: `Use ${forms(type)}.` };
  if (m[2] === undefined) {
    return { problem: `Failed to extract version when parsing asset '${value}'. Version must be provided.`, hint: `Write azureml:${name}:<version> or azureml:${name}@latest.` };
  }
  const tail = m[3] ?? '';
  if (m[2] === '@') {
    if (type === 'codes') return { problem: `'${value}': labels are not resolved for code assets`, hint: `Write azureml:${name}:<version>.` };
    // Models also resolve an alias (the version tagged alias.<name>, as register-model and promote-model move them).
    const alias = type === 'models' && /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(tail);
    // A component's `default` label is sent as the labelled ARM id; the service resolves it.
    const known = tail === 'latest' || (type === 'components' && tail === 'default');
    if (!known && !alias) {
      const labels = type === 'components' ? "the labels 'latest' and 'default' are" : "the label 'latest' is";
      return { problem: `'${value}': only ${labels} resolved for ${type}`, hint: `Write azureml:${name}@latest or azureml:${name}:<version>.` };
    }
    return { ref: { form: 'label', name, label: tail } };
  }
  const problem = modelVersionProblem(tail);
  if (problem) return { problem: `'${value}': the version '${tail}' is not valid (${problem})` };
  return { ref: { form: 'version', name, version: tail } };
}

/** The id to send for a reference, or undefined for a label that needs a look-up (all but a component's `default`). */
export function assetRefId(ref: AssetRef, scope: WorkspaceScope, type: AssetType): string | undefined {
  const ws = `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${scope.workspaceName}`;
  switch (ref.form) {
    case 'id':
      return ref.id;
    case 'version':
      return `${ws}/${type}/${ref.name}/versions/${ref.version}`;
    case 'label':
      return type === 'components' && ref.label === 'default' ? `${ws}/components/${ref.name}/labels/default` : undefined;
  }
}
