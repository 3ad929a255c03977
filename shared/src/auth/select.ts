/**
 * Choose how to sign in from the step inputs, the environment and what the CI host offers.
 */
import { existsSync } from 'node:fs';
import { StepError } from '../core/errors';
import type { AdoServiceConnection, HostAuthContext } from '../hosts/host';
import type { AuthConfig } from './config';
import { type CloudEndpoints, cloudFromServiceConnection, resolveCloud } from './clouds';

export interface AuthSource {
  /** Value of a step input by kebab-case name; undefined when not given. */
  input(name: string): string | undefined;
  host: HostAuthContext;
  env: Readonly<Record<string, string | undefined>>;
}

export const AUTH_TYPES = ['auto', 'oidc', 'service-principal', 'managed-identity', 'azure-cli'] as const;
export type AuthTypeInput = (typeof AUTH_TYPES)[number];

export interface ResolvedAuth {
  config: AuthConfig;
  cloud: CloudEndpoints;
  /** The subscription the ADO service connection is scoped to, when there is one. */
  subscriptionId?: string;
}

/** The AuthConfig the inputs, environment and host call for. */
export function resolveAuthConfig(source: AuthSource): AuthConfig {
  return pick(source);
}

/** AuthConfig plus the cloud (inputs win over the service connection's environment) and subscription. */
export function resolveAuth(source: AuthSource): ResolvedAuth {
  const config = pick(source);
  const conn = source.host.serviceConnection;
  const cloudInputs = {
    cloud: value(source.input('cloud')),
    armEndpoint: value(source.input('arm-endpoint')),
    authorityHost: value(source.input('authority-host')),
    armAudience: value(source.input('arm-audience')),
    mlAudience: value(source.input('ml-audience')),
  };
  const anyCloudInput = Object.values(cloudInputs).some((v) => v !== undefined);
  const fromConnection = conn && !anyCloudInput ? cloudFromServiceConnection(conn) : undefined;
  return {
    config,
    cloud: fromConnection ?? resolveCloud(cloudInputs),
    subscriptionId: conn?.subscriptionId || undefined,
  };
}

function value(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

function pick(source: AuthSource): AuthConfig {
  const rawType = (value(source.input('auth-type')) ?? 'auto').toLowerCase();
  if (!(AUTH_TYPES as readonly string[]).includes(rawType)) {
    throw new StepError('input', `auth-type must be one of ${AUTH_TYPES.join(', ')}, got '${rawType}'`, {
      input: 'auth-type',
    });
  }
  const type = rawType as AuthTypeInput;
  const ids = new Ids(source);
  const conn = source.host.serviceConnection;

  switch (type) {
    case 'auto':
      if (conn) return fromConnection(conn, source, undefined);
      if (ids.secret() || ids.certificate()) return servicePrincipal(ids);
      // Either id given means OIDC was intended: githubOidc names the missing one rather than falling through.
      if (source.host.getIdToken && (ids.clientId() || ids.tenantId())) {
        return githubOidc(ids, source.host.getIdToken);
      }
      if (source.env.IDENTITY_ENDPOINT || source.env.MSI_ENDPOINT) return managedIdentity(ids);
      return { type: 'azure-cli', ...(ids.tenantId() ? { tenantId: ids.tenantId() } : {}) };
    case 'oidc':
      if (conn) {
        if (conn.scheme.toLowerCase() !== 'workloadidentityfederation') {
          throw new StepError(
            'input',
            `auth-type oidc needs a WorkloadIdentityFederation service connection; '${conn.id}' uses ${conn.scheme}`,
            { input: 'auth-type' },
          );
        }
        return fromConnection(conn, source, 'oidc');
      }
      if (!source.host.getIdToken) {
        throw new StepError(
          'input',
          'auth-type oidc needs an ID token from the CI system, which is not available',
          {
            input: 'auth-type',
            hint: "on GitHub, grant 'permissions: id-token: write' to the job; on Azure DevOps, use a workload identity federation service connection",
          },
        );
      }
      return githubOidc(ids, source.host.getIdToken);
    case 'service-principal':
      if (conn && !ids.secret() && !ids.certificate()) return fromConnection(conn, source, 'service-principal');
      if (!ids.secret() && !ids.certificate()) {
        throw new StepError(
          'input',
          'client-secret or client-certificate is required for service-principal: set the input or AZURE_CLIENT_SECRET / AZURE_CLIENT_CERTIFICATE_PATH',
          { input: 'client-secret' },
        );
      }
      return servicePrincipal(ids);
    case 'managed-identity':
      return managedIdentity(ids);
    case 'azure-cli':
      return { type: 'azure-cli', ...(ids.tenantId() ? { tenantId: ids.tenantId() } : {}) };
  }
}

/** Input value first, then the environment variable the Azure SDKs use for the same thing. */
class Ids {
  constructor(private readonly source: AuthSource) {}
  private get(input: string, env: string): string | undefined {
    return value(this.source.input(input)) ?? value(this.source.env[env]);
  }
  clientId(): string | undefined {
    return this.get('client-id', 'AZURE_CLIENT_ID');
  }
  tenantId(): string | undefined {
    return this.get('tenant-id', 'AZURE_TENANT_ID');
  }
  secret(): string | undefined {
    return this.get('client-secret', 'AZURE_CLIENT_SECRET');
  }
  /** PEM text or a path, from the input; or the path in AZURE_CLIENT_CERTIFICATE_PATH. */
  certificate(): { certificate: string } | { certificatePath: string } | undefined {
    const raw = value(this.source.input('client-certificate'));
    if (raw) return raw.includes('-----BEGIN') ? { certificate: raw } : { certificatePath: raw };
    const path = value(this.source.env.AZURE_CLIENT_CERTIFICATE_PATH);
    return path ? { certificatePath: path } : undefined;
  }
  require(what: 'client-id' | 'tenant-id', purpose: string): string {
    const v = what === 'client-id' ? this.clientId() : this.tenantId();
    if (v) return v;
    const env = what === 'client-id' ? 'AZURE_CLIENT_ID' : 'AZURE_TENANT_ID';
    throw new StepError('input', `${what} is required for ${purpose}: set the input or ${env}`, { input: what });
  }
}

function githubOidc(ids: Ids, getIdToken: (audience: string) => Promise<string>): AuthConfig {
  return {
    type: 'github-oidc',
    clientId: ids.require('client-id', 'OIDC'),
    tenantId: ids.require('tenant-id', 'OIDC'),
    getIdToken,
  };
}

function servicePrincipal(ids: Ids): AuthConfig {
  const clientId = ids.require('client-id', 'a service principal');
  const tenantId = ids.require('tenant-id', 'a service principal');
  const secret = ids.secret();
  if (secret) return { type: 'service-principal-secret', clientId, tenantId, clientSecret: secret };
  const cert = ids.certificate();
  if (cert && 'certificatePath' in cert && !existsSync(cert.certificatePath)) {
    throw new StepError(
      'input',
      `client-certificate must be PEM text or the path of a PEM file; '${cert.certificatePath}' does not exist`,
      { input: 'client-certificate' },
    );
  }
  return { type: 'service-principal-certificate', clientId, tenantId, ...cert };
}

function managedIdentity(ids: Ids): AuthConfig {
  const clientId = ids.clientId();
  return clientId ? { type: 'managed-identity', clientId } : { type: 'managed-identity' };
}

function fromConnection(
  conn: AdoServiceConnection,
  source: AuthSource,
  wanted: 'oidc' | 'service-principal' | undefined,
): AuthConfig {
  const scheme = conn.scheme.toLowerCase();
  const missing = (field: string): StepError =>
    new StepError('input', `service connection '${conn.id}' (${conn.scheme}) has no ${field}`, {
      input: 'azure-subscription',
    });
  if (scheme === 'workloadidentityfederation') {
    if (wanted === 'service-principal') {
      throw new StepError('input', `service connection '${conn.id}' uses workload identity federation, not a secret`, {
        input: 'auth-type',
      });
    }
    if (!conn.tenantId) throw missing('tenant id');
    if (!conn.servicePrincipalId) throw missing('service principal id');
    if (!conn.systemAccessToken) {
      throw new StepError('input', 'workload identity federation needs the job access token (System.AccessToken)', {
        input: 'azure-subscription',
        hint: 'the task reads System.AccessToken from the agent; make sure the job is allowed to use it',
      });
    }
    const oidcRequestUri = conn.oidcRequestUri ?? source.env.SYSTEM_OIDCREQUESTURI;
    if (!oidcRequestUri) throw missing('OIDC request URI (SYSTEM_OIDCREQUESTURI)');
    return {
      type: 'ado-workload-identity',
      tenantId: conn.tenantId,
      clientId: conn.servicePrincipalId,
      serviceConnectionId: conn.id,
      systemAccessToken: conn.systemAccessToken,
      oidcRequestUri,
    };
  }
  if (scheme === 'serviceprincipal') {
    if (wanted === 'oidc') {
      throw new StepError('input', `service connection '${conn.id}' uses a service principal secret, not OIDC`, {
        input: 'auth-type',
      });
    }
    if (!conn.tenantId) throw missing('tenant id');
    if (!conn.servicePrincipalId) throw missing('service principal id');
    const certificate = (conn.authenticationType ?? '').toLowerCase() === 'spncertificate';
    if (certificate) {
      if (!conn.servicePrincipalCertificate) throw missing('certificate');
      return {
        type: 'service-principal-certificate',
        tenantId: conn.tenantId,
        clientId: conn.servicePrincipalId,
        certificate: conn.servicePrincipalCertificate,
      };
    }
    if (!conn.servicePrincipalKey) throw missing('service principal key');
    return {
      type: 'service-principal-secret',
      tenantId: conn.tenantId,
      clientId: conn.servicePrincipalId,
      clientSecret: conn.servicePrincipalKey,
    };
  }
  if (scheme === 'managedserviceidentity') {
    if (wanted) {
      throw new StepError('input', `service connection '${conn.id}' uses a managed identity`, { input: 'auth-type' });
    }
    return { type: 'managed-identity' };
  }
  throw new StepError('input', `service connection '${conn.id}' uses unsupported scheme '${conn.scheme}'`, {
    input: 'azure-subscription',
    hint: 'use a WorkloadIdentityFederation, ServicePrincipal or ManagedServiceIdentity Azure Resource Manager connection',
  });
}
