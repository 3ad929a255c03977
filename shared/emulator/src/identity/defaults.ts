/** The world a fresh state directory starts with. */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { BASE_URL_PLACEHOLDER } from './issuers';
import {
  FEDERATION_AUDIENCE,
  GITHUB_ISSUER_PATH,
  adoSubject,
  githubSubject,
  type AdoConnection,
  type AppRegistration,
  type GitHubJob,
  type IdentityWorld,
  type ManagedIdentityHost,
} from './world';

/** A client secret in the shape Entra hands out: 40 characters, a 3-character prefix with '~'. */
export function newClientSecret(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.';
  let s = '';
  for (let i = 0; i < 37; i++) s += alphabet[randomInt(alphabet.length)];
  return `${s.slice(0, 3)}8Q~${s.slice(3, 37)}`.slice(0, 40);
}

export function newOpaqueToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function newSha(): string {
  return randomBytes(20).toString('hex');
}

export function newRunId(): string {
  return String(randomInt(1_000_000_000, 9_999_999_999));
}

export function defaultGitHubJob(): GitHubJob {
  return {
    id: randomUUID(),
    repository: 'contoso/mlops',
    ref: 'refs/heads/main',
    sha: newSha(),
    runId: newRunId(),
    runAttempt: '1',
    actor: 'octocat',
    workflow: 'mlops',
    eventName: 'push',
    requestToken: newOpaqueToken(),
  };
}

export function defaultAdoConnection(): AdoConnection {
  return {
    id: randomUUID(),
    name: 'aml-connection',
    organization: 'contoso',
    organizationId: randomUUID(),
    project: 'mlops',
    projectId: randomUUID(),
    planId: randomUUID(),
    jobId: randomUUID(),
    systemAccessToken: newOpaqueToken(39),
  };
}

/** A host with a system-assigned identity and one user-assigned identity, `id-aml-agent`. */
export function defaultManagedIdentityHost(): ManagedIdentityHost {
  return {
    identityHeader: randomUUID(),
    systemAssigned: { name: 'aml-agent', clientId: randomUUID(), principalId: randomUUID() },
    userAssigned: [{ name: 'id-aml-agent', clientId: randomUUID(), principalId: randomUUID() }],
  };
}

export function defaultWorld(): IdentityWorld {
  const job = defaultGitHubJob();
  const conn = defaultAdoConnection();
  const app: AppRegistration = {
    displayName: 'aml-lifecycle-demo',
    appId: randomUUID(),
    objectId: randomUUID(),
    secrets: [{ id: randomUUID(), value: newClientSecret() }],
    certificates: [],
    federatedCredentials: [
      {
        name: 'github-main',
        issuer: `${BASE_URL_PLACEHOLDER}${GITHUB_ISSUER_PATH}`,
        subject: githubSubject(job),
        audiences: [FEDERATION_AUDIENCE],
      },
      {
        name: 'ado-aml-connection',
        issuer: `${BASE_URL_PLACEHOLDER}/ado/oidc/${conn.organizationId}`,
        subject: adoSubject(conn),
        audiences: [FEDERATION_AUDIENCE],
      },
    ],
  };
  return {
    tenantId: randomUUID(),
    tenantDomain: 'contoso.onmicrosoft.com',
    apps: [app],
    githubJobs: [job],
    adoConnections: [conn],
    managedIdentity: defaultManagedIdentityHost(),
    lifetimes: { accessToken: 3600, githubIdToken: 300, adoIdToken: 900 },
    extraResources: [],
  };
}
