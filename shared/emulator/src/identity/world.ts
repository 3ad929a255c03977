/** The identity world: tenant, app registrations, CI identities and token lifetimes (JSON-serialisable). */

export interface FederatedCredential {
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
}

export interface AppCertificate {
  /** Public certificate, PEM. */
  pem: string;
  x5t: string;
  x5tS256: string;
  thumbprint: string;
}

export interface ClientSecret {
  id: string;
  value: string;
  /** ISO time after which the secret is refused; absent means no expiry. */
  expiresAt?: string;
}

export interface AppRegistration {
  displayName: string;
  /** Client id. */
  appId: string;
  /** Object id of the app's service principal: the `oid` of the tokens it gets. */
  objectId: string;
  secrets: ClientSecret[];
  certificates: AppCertificate[];
  federatedCredentials: FederatedCredential[];
}

export interface GitHubJob {
  /** Job id in the ID-token request URL. */
  id: string;
  repository: string;
  ref: string;
  sha: string;
  environment?: string;
  runId: string;
  runAttempt: string;
  actor: string;
  workflow: string;
  eventName: string;
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN of this job. */
  requestToken: string;
}

export interface AdoConnection {
  /** Service connection id (a GUID). */
  id: string;
  name: string;
  organization: string;
  organizationId: string;
  project: string;
  projectId: string;
  planId: string;
  jobId: string;
  /** System.AccessToken of the pipeline job that uses this connection. */
  systemAccessToken: string;
}

/** A managed identity: a service principal with no credential of its own, reached through its host's endpoint. */
export interface ManagedIdentity {
  /** For a user-assigned identity, the last segment of its resource id. */
  name: string;
  /** The `appid` of its tokens; how a caller picks a user-assigned identity (`client_id`). */
  clientId: string;
  /** Object id of its service principal: the `oid` of its tokens, the principal ARM role assignments name. */
  principalId: string;
  /**
   * ARM id of the identity (user-assigned) or of the resource that hosts it (system-assigned). Without one, a
   * user-assigned identity answers to any `mi_res_id` ending in `/userAssignedIdentities/<name>`.
   */
  resourceId?: string;
}

/**
 * The machine the emulated App Service style identity endpoint serves (an agent VM, a Functions app): its own
 * system-assigned identity, the user-assigned identities attached to it, and the secret its processes get in
 * IDENTITY_HEADER.
 */
export interface ManagedIdentityHost {
  /** IDENTITY_HEADER: the endpoint refuses a request whose X-IDENTITY-HEADER differs. A secret. */
  identityHeader: string;
  /** Absent when the host has only user-assigned identities. */
  systemAssigned?: ManagedIdentity;
  userAssigned: ManagedIdentity[];
  /** IDENTITY_ENDPOINT; present in world() (it depends on the base URL), not stored. */
  endpoint?: string;
}

export interface TokenLifetimes {
  /** Entra access tokens, seconds (default 3600). */
  accessToken: number;
  /** GitHub Actions ID tokens, seconds (default 300). */
  githubIdToken: number;
  /** Azure DevOps OIDC tokens, seconds (default 900). */
  adoIdToken: number;
}

export interface IdentityWorld {
  tenantId: string;
  /** Verified domain of the tenant, also accepted in the authority path. */
  tenantDomain: string;
  apps: AppRegistration[];
  githubJobs: GitHubJob[];
  adoConnections: AdoConnection[];
  managedIdentity: ManagedIdentityHost;
  lifetimes: TokenLifetimes;
  /** Resources (token audiences) Entra issues tokens for, beyond the built-in ARM, ML and storage ones. */
  extraResources: string[];
}

export interface AppSeed {
  /** Matches an existing app by appId, else by displayName; a new app gets generated ids and a secret. */
  displayName: string;
  appId?: string;
  objectId?: string;
  /** Replaces the app's secrets with this one. */
  secret?: string;
  /** PEM certificates (a private key in the same PEM is ignored) added to the app. */
  certificates?: string[];
  /** Added, or replaced by name. */
  federatedCredentials?: FederatedCredential[];
}

export type GitHubJobSeed = Partial<GitHubJob> & { repository: string };
export type AdoConnectionSeed = Partial<AdoConnection> & { name: string };

export type ManagedIdentitySeed = Partial<ManagedIdentity> & { name: string };

export interface ManagedIdentityHostSeed {
  identityHeader?: string;
  /** Merged into the system-assigned identity (created when absent); null removes it. */
  systemAssigned?: Partial<ManagedIdentity> | null;
  /** Added, or replaced by clientId (else by name). */
  userAssigned?: ManagedIdentitySeed[];
}

export interface IdentitySeed {
  apps?: AppSeed[];
  /** Added, or replaced by id (or by requestToken). */
  githubJobs?: GitHubJobSeed[];
  /** Added, or replaced by id (or by organization + name). */
  adoConnections?: AdoConnectionSeed[];
  managedIdentity?: ManagedIdentityHostSeed;
  lifetimes?: Partial<TokenLifetimes>;
  extraResources?: string[];
}

export const GITHUB_ISSUER_PATH = '/github-oidc';
export const FEDERATION_AUDIENCE = 'api://AzureADTokenExchange';

/** Where the App Service style managed identity endpoint listens (IDENTITY_ENDPOINT). */
export const MANAGED_IDENTITY_PATH = '/msi/token';

export function managedIdentityEndpoint(baseUrl: string): string {
  return `${baseUrl}${MANAGED_IDENTITY_PATH}`;
}

/** IDENTITY_ENDPOINT and IDENTITY_HEADER for a process on the emulated host (the header is a secret). */
export function managedIdentityEnv(world: IdentityWorld, baseUrl: string): { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string } {
  return { IDENTITY_ENDPOINT: managedIdentityEndpoint(baseUrl), IDENTITY_HEADER: world.managedIdentity.identityHeader };
}

export function githubIssuer(baseUrl: string): string {
  return `${baseUrl}${GITHUB_ISSUER_PATH}`;
}

export function adoIssuer(baseUrl: string, organizationId: string): string {
  return `${baseUrl}/ado/oidc/${organizationId}`;
}

export function githubSubject(job: Pick<GitHubJob, 'repository' | 'ref' | 'environment'>): string {
  return job.environment ? `repo:${job.repository}:environment:${job.environment}` : `repo:${job.repository}:ref:${job.ref}`;
}

export function adoSubject(conn: Pick<AdoConnection, 'organization' | 'project' | 'name'>): string {
  return `sc://${conn.organization}/${conn.project}/${conn.name}`;
}
