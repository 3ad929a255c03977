/**
 * The emulator's identity services: an Entra ID token endpoint (`/entra`), a GitHub Actions OIDC issuer
 * (`/github-oidc`), an Azure DevOps OIDC endpoint (`/ado`), an App Service style managed identity endpoint
 * (`/msi/token`), and the bearer-token check ARM routes call.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { adoOidcRequestUri, handleAdoOidc } from './ado-oidc';
import { ARM_AUDIENCES, armAudiences } from './audiences';
import type { IdentityContext } from './context';
import { ENTRA_PREFIX, handleEntra } from './entra';
import { defaultManagedIdentityHost } from './defaults';
import { githubIdTokenRequestUrl, handleGitHubOidc } from './github-oidc';
import { handleManagedIdentity } from './managed-identity';
import { applySeed, presentWorld } from './seed';
import { IdentityStore } from './store';
import { verifyBearerToken, type VerifyResult } from './verify-bearer';
import type { IdentitySeed, IdentityWorld } from './world';

export { ARM_AUDIENCES, LOAD_TESTING_AUDIENCE, ML_AUDIENCE, STORAGE_AUDIENCE, armAudiences } from './audiences';
export type { VerifiedToken, VerifyResult } from './verify-bearer';
export type {
  AdoConnection,
  AdoConnectionSeed,
  AppCertificate,
  AppRegistration,
  AppSeed,
  ClientSecret,
  FederatedCredential,
  GitHubJob,
  GitHubJobSeed,
  IdentitySeed,
  IdentityWorld,
  ManagedIdentity,
  ManagedIdentityHost,
  ManagedIdentityHostSeed,
  ManagedIdentitySeed,
  TokenLifetimes,
} from './world';
export {
  FEDERATION_AUDIENCE,
  MANAGED_IDENTITY_PATH,
  adoIssuer,
  adoSubject,
  githubIssuer,
  githubSubject,
  managedIdentityEndpoint,
  managedIdentityEnv,
} from './world';

export interface IdentityOptions {
  /** Keys and the identity world persist in <stateDir>/identity.json. */
  stateDir: string;
  /** e.g. https://127.0.0.1:41234 (no trailing slash) */
  baseUrl: string;
}

/** Which GitHub job / ADO connection clientEnv() describes (by id); the first of each by default. */
export interface ClientEnvOptions {
  githubJobId?: string;
  adoConnectionId?: string;
}

export interface IdentityService {
  /** Serve /entra/**, /github-oidc/**, /ado/**, /msi/token ; return false when the path is not ours. `body` is the raw request body. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<boolean>;
  /**
   * Check an `Authorization` header value for a bearer token issued by us for one of `audiences` (signature,
   * audience, tenant, expiry, nbf). When `audiences` holds an ARM audience, the emulator's base URL is accepted too.
   */
  verifyBearer(authorization: string | undefined, audiences: string[]): VerifyResult;
  /**
   * The seeded world (tenant, apps with their secrets, federated credentials, GitHub jobs, ADO connections, the
   * managed identity host with its IDENTITY_ENDPOINT and IDENTITY_HEADER).
   */
  world(): IdentityWorld;
  /** Add/replace apps, federated credentials, certificates, GitHub jobs, ADO connections, managed identities, token lifetimes. */
  seed(patch: IdentitySeed): IdentityWorld;
  /**
   * Environment a client process needs for the OIDC paths of the default GitHub job and ADO connection
   * (request URLs and tokens, tenant and client id, authority host, service connection id). Holds secrets
   * (the request tokens): mask them where they could be printed.
   */
  clientEnv(opts?: ClientEnvOptions): Record<string, string>;
  /** Every secret the world holds (client secrets, GitHub request tokens, ADO access tokens, IDENTITY_HEADER), for log masking. */
  secretValues(): string[];
  /** The Entra authority host to hand to @azure/identity (`authorityHost`). */
  readonly authorityHost: string;
}

export async function openIdentity(opts: IdentityOptions): Promise<IdentityService> {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const store = new IdentityStore(opts.stateDir);
  const ctx: IdentityContext = { baseUrl, store };
  // A state directory written before managed identities existed gets the default host once.
  if (!store.read().world.managedIdentity) {
    store.update((s) => (s.world.managedIdentity ? s : { ...s, world: { ...s.world, managedIdentity: defaultManagedIdentityHost() } }));
  }
  const authorityHost = `${baseUrl}${ENTRA_PREFIX}`;

  return {
    authorityHost,
    async handle(req, res, url, body) {
      return (
        (await handleEntra(req, res, url, body, ctx)) ||
        (await handleGitHubOidc(req, res, url, ctx)) ||
        (await handleAdoOidc(req, res, url, ctx)) ||
        (await handleManagedIdentity(req, res, url, ctx))
      );
    },
    verifyBearer(authorization, audiences) {
      const { world, keys } = store.read();
      const accepted = audiences.some((a) => ARM_AUDIENCES.includes(a)) ? [...new Set([...audiences, ...armAudiences(baseUrl)])] : audiences;
      return verifyBearerToken(authorization, accepted, keys.entra, world.tenantId);
    },
    secretValues() {
      const { world } = store.read();
      return [
        ...world.apps.flatMap((a) => a.secrets.map((x) => x.value)),
        ...world.githubJobs.map((j) => j.requestToken),
        ...world.adoConnections.map((c) => c.systemAccessToken),
        world.managedIdentity.identityHeader,
      ];
    },
    world() {
      return presentWorld(store.read().world, baseUrl);
    },
    seed(patch) {
      const next = store.update((s) => ({ ...s, world: applySeed(s.world, patch, baseUrl) }));
      return presentWorld(next.world, baseUrl);
    },
    clientEnv(options = {}) {
      const { world } = store.read();
      const job = options.githubJobId ? world.githubJobs.find((j) => j.id === options.githubJobId) : world.githubJobs[0];
      const conn = options.adoConnectionId ? world.adoConnections.find((c) => c.id === options.adoConnectionId) : world.adoConnections[0];
      if (options.githubJobId && !job) throw new Error(`No GitHub job with id ${options.githubJobId}.`);
      if (options.adoConnectionId && !conn) throw new Error(`No Azure DevOps service connection with id ${options.adoConnectionId}.`);
      const app = world.apps[0];
      const env: Record<string, string> = { AZURE_AUTHORITY_HOST: authorityHost, AZURE_TENANT_ID: world.tenantId };
      if (app) env.AZURE_CLIENT_ID = app.appId;
      if (job) {
        env.ACTIONS_ID_TOKEN_REQUEST_URL = githubIdTokenRequestUrl(baseUrl, job);
        env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = job.requestToken;
      }
      if (conn) {
        env.SYSTEM_OIDCREQUESTURI = adoOidcRequestUri(baseUrl, conn);
        env.SYSTEM_ACCESSTOKEN = conn.systemAccessToken;
        env.SYSTEM_TEAMFOUNDATIONCOLLECTIONURI = `${baseUrl}/ado/${conn.organization}/`;
        env.SYSTEM_TEAMPROJECTID = conn.projectId;
        env.SYSTEM_PLANID = conn.planId;
        env.SYSTEM_JOBID = conn.jobId;
        env.AZURESUBSCRIPTION_SERVICE_CONNECTION_ID = conn.id;
        if (app) env.AZURESUBSCRIPTION_CLIENT_ID = app.appId;
        env.AZURESUBSCRIPTION_TENANT_ID = world.tenantId;
      }
      return env;
    },
  };
}
