/**
 * ModelVersions_Publish: POST .../workspaces/{w}/models/{n}/versions/{v}/publish with a DestinationAsset
 * `{registryName, destinationName?, destinationVersion?}`. The registry is found by name alone, in any subscription
 * the caller can read. Answers 202 with a Location (final state via location) and copies the files server-side.
 */
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall, Handler } from './call';
import { getResource, propertiesOf } from './resource-helpers';
import { armError, mfeError, mfeNotFound, userError } from './errors';
import { authorize } from './rbac';
import { REGISTRY_TYPE, registriesNamed } from './registries';
import { REGISTRY_VERSION_TYPE } from './registry-models';
import { beginRegistryCopy } from './registry-copy-start';
import { mfePollUrl } from '../lro/poll-urls';

function optionalString(body: Record<string, unknown>, field: string): string | undefined | Reply {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' && v.trim()) return v;
  const message = `'${field}' must be a non-empty string.`;
  return userError(message, { code: 'BadArgument', message });
}

export const publishModelVersion: Handler = (c: ArmCall): Reply => {
  const workspace = c.workspace!;
  if (c.state.settings.publishUnavailable) {
    return armError(
      400,
      'NoRegisteredProviderFound',
      `No registered resource provider found for location '${String(workspace.body.location)}' and API version '${c.apiVersion}' for type 'workspaces/models/versions/publish'.`,
    );
  }
  const source = getResource(c.state, c.id);
  if (!source) return mfeNotFound('model version', `${c.names[1]}:${c.names[2]}`);
  const body = c.body;
  if (!isObject(body) || typeof body.registryName !== 'string' || !body.registryName.trim()) {
    const message = "The request body must be a DestinationAsset with 'registryName'.";
    return userError(message, { code: 'BadArgument', message });
  }
  const destinationName = optionalString(body, 'destinationName');
  if (typeof destinationName === 'object') return destinationName;
  const destinationVersion = optionalString(body, 'destinationVersion');
  if (typeof destinationVersion === 'object') return destinationVersion;

  const [registry] = registriesNamed(c.state, body.registryName);
  if (!registry) {
    const message = `Registry '${body.registryName}' was not found: no registry with this name exists in a subscription this principal can read.`;
    return mfeError(404, 'UserError', message, [{ code: 'RegistryNotFound', message }], String(workspace.body.location));
  }
  const name = destinationName ?? c.names[1];
  const version = destinationVersion ?? c.names[2];
  const who = c.principal;
  const denied =
    authorize(c.state, who.principalId, who.appId, `${REGISTRY_TYPE}/read`, registry.id) ??
    authorize(c.state, who.principalId, who.appId, `${REGISTRY_VERSION_TYPE}/write`, `${registry.id}/models/${name}/versions/${version}`);
  if (denied) return denied;

  const op = beginRegistryCopy(c, {
    registry,
    source,
    workspace,
    destinationName: name,
    destinationVersion: version,
    poll: { subscriptionId: c.subscriptionId, token: String(propertiesOf(workspace.body).workspaceId), location: String(workspace.body.location) },
  });
  if ('status' in op) return op;
  return {
    status: 202,
    headers: {
      Location: mfePollUrl(c.baseUrl, op, 'mfeOperationResults', c.apiVersion, c.state.signingKey),
      'x-ms-async-operation-timeout': 'PT1H',
    },
  };
};

