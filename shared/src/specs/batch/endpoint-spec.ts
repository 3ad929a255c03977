/**
 * `az ml batch-endpoint create -f endpoint.yml` files → the BatchEndpoint PUT body (reference §3.1): auth mode
 * (default aad_token), description, properties, tags, and the default deployment. `identity` and `traffic` are
 * accepted, as the SDK's schema accepts them, but not sent; `location` is always the workspace's.
 */
import { inputError } from '../../core/errors';
import { endpointNameProblem } from '../common/names';
import { camelToSnake, snakeToCamel } from '../online/casing';
import { givenInputs } from '../online/overrides';
import { openSpec, type SpecSourceOptions } from '../online/spec-source';

const KEYS = ['name', 'description', 'tags', 'properties', 'auth_mode', 'defaults', 'identity', 'traffic', 'location'];
const IGNORED = ['$schema', 'kind', 'id', 'provisioning_state', 'scoring_uri', 'openapi_uri', 'swagger_uri', 'creation_context'];

/**
 * The auth mode as the body carries it. The SDK sends `snake_to_camel` of the YAML value (aad_token → aadToken),
 * not the REST enum's spelling (AADToken, AMLToken, Key); the two differ only in letter case, the service reads
 * enum values case-insensitively, and these are the bytes `az ml` has always sent. We send the same, so a body
 * from this loader and one from `az ml` are identical; the contract check compares enums case-insensitively, and
 * whoever compares with a GET result (which spells it AADToken) must too.
 */
export type BatchAuthMode = 'aadToken' | 'amlToken' | 'key';

export interface BatchEndpointInputs {
  endpointName?: string;
  authMode?: string;
  /** The deployment the endpoint runs when a job names none (`defaults.deployment_name`). */
  defaultDeployment?: string;
}

export const BATCH_ENDPOINT_INPUT_NAMES: Record<keyof BatchEndpointInputs, string> = {
  endpointName: 'endpoint-name',
  authMode: 'auth-mode',
  defaultDeployment: 'default-deployment',
};

export interface LoadBatchEndpointOptions extends SpecSourceOptions {
  inputs?: BatchEndpointInputs;
  inputNames?: Partial<Record<keyof BatchEndpointInputs, string>>;
}

/** The PUT …/batchEndpoints/{name} body; `location` is the workspace's (batchEndpointBody). */
export interface BatchEndpointBody {
  location?: string;
  tags: Record<string, string>;
  properties: {
    authMode: BatchAuthMode;
    description?: string;
    properties: Record<string, string>;
    defaults?: { deploymentName: string };
  };
}

export interface BatchEndpointPlan {
  /** URL segment: verbatim from the file, lower-cased from the input (as `--name`). */
  name: string;
  body: BatchEndpointBody;
  /** Whether the auth mode was asked for (file, set line or input), rather than the default. */
  authModeGiven: boolean;
  warnings: string[];
}

export function loadBatchEndpointSpec(options: LoadBatchEndpointOptions): BatchEndpointPlan {
  const names = { ...BATCH_ENDPOINT_INPUT_NAMES, ...options.inputNames };
  const overrides = givenInputs(
    options.inputs ?? {},
    { endpointName: 'name', authMode: 'auth_mode', defaultDeployment: 'defaults.deployment_name' },
    names,
    { endpointName: (v) => v.toLowerCase() },
  );
  const spec = openSpec(options, overrides, { name: names.endpointName, auth_mode: names.authMode, 'defaults.deployment_name': names.defaultDeployment });
  const { reader: r, yaml, problems } = spec;
  const f = r.map(yaml.root, '', KEYS, IGNORED) ?? {};

  const name = r.str(f.name, 'name');
  if (!r.present(f.name)) {
    const message = `the endpoint has no name: set 'name' in the YAML, or give the '${names.endpointName}' input (az ml takes it from --name)`;
    if (spec.hasFile) r.fail(r.origin(yaml.root), message);
    else problems.add(inputError(message, { input: names.endpointName }));
  } else if (name !== undefined) {
    const problem = endpointNameProblem(name, 'endpoint');
    if (problem) r.fail(f.name!.value, problem);
  }

  // EndpointSchema compares through camel_to_snake, so AADToken, aadToken and aad_token are all read.
  const auth = r.choice(f.auth_mode, 'auth_mode', ['key', 'aml_token', 'aad_token'], camelToSnake) ?? 'aad_token';
  const body: BatchEndpointBody = {
    tags: r.stringMap(f.tags, 'tags') ?? {},
    properties: { authMode: snakeToCamel(auth) as BatchAuthMode, properties: r.stringMap(f.properties, 'properties') ?? {} },
  };
  const description = r.str(f.description, 'description', { freeText: true });
  if (description !== undefined) body.properties.description = description;
  const defaults = r.map(f.defaults?.value, 'defaults', ['deployment_name']);
  const deployment = r.str(defaults?.deployment_name, 'defaults.deployment_name');
  if (deployment !== undefined) {
    const problem = endpointNameProblem(deployment, 'deployment');
    if (problem) r.fail(defaults!.deployment_name!.value, `'defaults.deployment_name': ${problem}`);
    body.properties.defaults = { deploymentName: deployment };
  }

  r.map(f.identity?.value, 'identity', ['type', 'user_assigned_identities', 'principal_id', 'tenant_id']);
  const warnings = (['identity', 'traffic'] as const)
    .filter((k) => r.present(f[k]))
    .map((k) => `'${k}' is accepted in a batch endpoint YAML but not sent: az ml ignores it for batch endpoints.`);
  problems.throwIfAny(spec.hasFile ? yaml.file : 'the endpoint inputs');
  return { name: name!, body, authModeGiven: r.present(f.auth_mode), warnings };
}

/** The endpoint body to send: the plan's, with the workspace location. */
export function batchEndpointBody(plan: BatchEndpointPlan, location: string): BatchEndpointBody {
  return { ...plan.body, location };
}
