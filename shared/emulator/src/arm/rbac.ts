/** Role-based access: does a principal hold a role, at a scope covering the resource, that allows the action? */
import type { ArmState, RoleAssignment } from '../state/model';
import type { Reply } from '../http';
import { armError } from './errors';

type Allows = (action: string) => boolean;

const ML = 'microsoft.machinelearningservices/';

const ROLES: Record<string, Allows> = {
  owner: () => true,
  contributor: (a) => !a.startsWith('microsoft.authorization/') || a.endsWith('/read'),
  reader: (a) => a.endsWith('/read'),
  // Everything inside a workspace except changing the workspace and creating or deleting computes.
  'azureml data scientist': (a) =>
    a === `${ML}workspaces/read` ||
    (a.startsWith(`${ML}workspaces/`) && ![`${ML}workspaces/write`, `${ML}workspaces/delete`, `${ML}workspaces/computes/write`, `${ML}workspaces/computes/delete`].includes(a)),
  // Reads the registry and reads/writes its assets; cannot change or delete the registry itself.
  'azureml registry user': (a) =>
    a === `${ML}registries/read` || (a.startsWith(`${ML}registries/`) && a !== `${ML}registries/write` && a !== `${ML}registries/delete`),
};

export const KNOWN_ROLES = ['Owner', 'Contributor', 'Reader', 'AzureML Data Scientist', 'AzureML Registry User'];

export function scopeCovers(scope: string, resourceId: string): boolean {
  const s = scope.replace(/\/+$/, '').toLowerCase();
  const r = resourceId.toLowerCase();
  return s === '' || r === s || r.startsWith(`${s}/`);
}

function allows(a: RoleAssignment, action: string): boolean {
  const role = ROLES[a.role.toLowerCase()];
  return !!role && role(action.toLowerCase());
}

export function authorize(state: ArmState, principalId: string, appId: string, action: string, scope: string): Reply | undefined {
  const ok = state.roleAssignments.some(
    (a) => a.principalId.toLowerCase() === principalId.toLowerCase() && scopeCovers(a.scope, scope) && allows(a, action),
  );
  if (ok) return undefined;
  return armError(
    403,
    'AuthorizationFailed',
    `The client '${appId}' with object id '${principalId}' does not have authorization to perform action '${action}' ` +
      `over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}
