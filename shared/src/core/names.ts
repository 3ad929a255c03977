/** Name rules of the Azure ML REST API (reference §3) and the input checks every step shares. */
import { inputError } from './errors';

export const MODEL_NAME = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;
export const REGISTRY_NAME = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{2,32}$/;
export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function checkRegistryName(value: string, input: string): string {
  if (!REGISTRY_NAME.test(value)) {
    throw inputError(`Input '${input}' is not a valid registry name: '${value}' (3-33 letters, digits, '-' or '_').`, { input });
  }
  return value;
}

export function checkModelName(value: string, input: string): string {
  if (!MODEL_NAME.test(value)) throw inputError(`Input '${input}' is not a valid model name: '${value}'.`, { input });
  return value;
}

export function checkSubscriptionId(value: string, input: string): string {
  if (!GUID.test(value)) throw inputError(`Input '${input}' must be a subscription GUID, got '${value}'.`, { input });
  return value;
}

/**
 * Model versions. The REST contract says "free string", but the value is a URL segment and the service, `az ml`
 * and the SDK treat some strings specially, so only what every one of them reads the same way is accepted:
 * letters, digits, '.', '_' and '-', starting with a letter or digit, at most 255 characters; never `latest`
 * (a label) and never a spelling of a non-finite number (how YAML and Python render NaN and infinity).
 */
const MODEL_VERSION = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
const NOT_A_NUMBER = /^[-+]?\.?(nan|inf|infinity)$/i;

/** Why `value` cannot be a model version, or undefined when it can. */
export function modelVersionProblem(value: string): string | undefined {
  if (value === '') return 'it is empty';
  if (value.length > 255) return `it is ${value.length} characters long (at most 255)`;
  if (/[\s\p{Cc}]/u.test(value)) return 'it contains whitespace or control characters';
  if (/[/?#%\\]/.test(value)) return "it contains '/', '?', '#', '%' or '\\'";
  if (value.toLowerCase() === 'latest') return "'latest' is a label, not a version (use name@latest to mean the newest)";
  if (NOT_A_NUMBER.test(value)) return 'it spells a non-finite number';
  if (!MODEL_VERSION.test(value)) return "use letters, digits, '.', '_' and '-', starting with a letter or digit";
  return undefined;
}

export function checkModelVersion(value: string, input: string): string {
  const problem = modelVersionProblem(value);
  if (problem) throw inputError(`Input '${input}' is not a valid model version: '${value}' (${problem}).`, { input });
  return value;
}

/** ARM resource group names: 1-90 of letters, digits, '_', '-', '.', '(' and ')', not ending in '.'. */
export const WORKSPACE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/;

export function checkWorkspaceName(value: string, input: string): string {
  if (!WORKSPACE_NAME.test(value)) {
    throw inputError(`Input '${input}' is not a valid workspace name: '${value}' (3-33 letters, digits, '-' or '_', starting with a letter or digit).`, { input });
  }
  return value;
}

export function checkResourceGroup(value: string, input: string): string {
  if (!/^[-\w.()]{1,90}$/.test(value) || value.endsWith('.')) {
    throw inputError(`Input '${input}' is not a valid resource group name: '${value}'.`, { input });
  }
  return value;
}

/**
 * Datastore names: letters, digits and '_' (the Azure ML SDKs: "case insensitive, can only contain alphanumeric
 * characters and underscores"); at most 255 characters (inference: the limit of the other asset names).
 */
export const DATASTORE_NAME = /^[A-Za-z0-9_]{1,255}$/;

/** Why `value` cannot be a datastore name, or undefined when it can. */
export function datastoreNameProblem(value: string): string | undefined {
  if (value === '') return 'the datastore name is empty';
  if (value.length > 255) return `the datastore name is ${value.length} characters long (at most 255)`;
  if (!DATASTORE_NAME.test(value)) return 'a datastore name holds only letters, digits and underscores';
  return undefined;
}

export function checkDatastoreName(value: string, input: string): string {
  const problem = datastoreNameProblem(value);
  if (problem) throw inputError(`Input '${input}' is not a valid datastore name: '${value}' (${problem}).`, { input });
  return value;
}

/** Compute names (azure-ai-ml's rule): 3–24 letters, digits and '-', starting with a letter, not ending with '-'. The endpoint YAML's `compute:` uses it too. */
export const COMPUTE_NAME = /^[A-Za-z][-A-Za-z0-9]{1,22}[A-Za-z0-9]$/;

export function checkComputeName(value: string, input: string): string {
  if (!COMPUTE_NAME.test(value)) {
    throw inputError(`Input '${input}' is not a valid compute name: '${value}' (3-24 letters, digits and '-', starting with a letter and not ending with '-').`, { input });
  }
  return value;
}

/** Kubernetes namespace and instance type names: DNS labels (lower-case letters, digits and '-', at most 63). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
