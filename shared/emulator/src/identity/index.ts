/**
 * The emulator's identity services: an Entra ID token endpoint, a GitHub Actions OIDC issuer, an Azure DevOps
 * OIDC endpoint, and the bearer-token check the ARM routes call.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface IdentityOptions {
  /** Keys and the identity world persist in <stateDir>/identity.json. */
  stateDir: string;
  /** e.g. https://127.0.0.1:41234 (no trailing slash) */
  baseUrl: string;
}

export interface VerifiedToken {
  principalId: string;
  appId: string;
  tenantId: string;
  audience: string;
  claims: Record<string, unknown>;
}

export type VerifyResult = { ok: true; token: VerifiedToken } | { ok: false; status: 401; code: string; message: string };

export interface IdentityWorld {
  tenantId: string;
  apps: unknown[];
}
export type IdentitySeed = Partial<IdentityWorld>;

export interface IdentityService {
  /** Serve /entra/**, /github-oidc/**, /ado/** ; return false when the path is not ours. `body` is the raw request body. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<boolean>;
  /** Check an `Authorization` header value for a bearer token issued by us for one of `audiences`. */
  verifyBearer(authorization: string | undefined, audiences: string[]): VerifyResult;
  /** The seeded world (tenant, apps with their secrets, federated credentials, GitHub jobs, ADO connections). */
  world(): IdentityWorld;
  /** Add/replace apps, federated credentials, certificates, GitHub jobs, ADO connections, token lifetimes. */
  seed(patch: IdentitySeed): IdentityWorld;
  /** Environment a client process needs for the OIDC paths of the default GitHub job and ADO connection. */
  clientEnv(): Record<string, string>;
}

export const ML_AUDIENCE = 'https://ml.azure.com';

export const ARM_AUDIENCES: string[] = [];

export async function openIdentity(_opts: IdentityOptions): Promise<IdentityService> {
  throw new Error('not implemented yet');
}
