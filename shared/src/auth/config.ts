/**
 * What sign-in is configured, without the libraries that perform it: step code reads, checks and describes an
 * AuthConfig before @azure/identity is loaded (credential.ts builds the credential).
 */

/** The audience Entra expects on federated ID tokens. */
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

export type AuthConfig =
  | { type: 'github-oidc'; tenantId: string; clientId: string; getIdToken: (audience: string) => Promise<string> }
  | {
      type: 'ado-workload-identity';
      tenantId: string;
      clientId: string;
      serviceConnectionId: string;
      systemAccessToken: string;
      oidcRequestUri?: string;
      /**
       * The service connection's OIDC token, when something other than a fresh request should answer the first
       * assertion (prefetch.ts); without it, each assertion requests one (ado-oidc-token.ts).
       */
      getOidcToken?: () => Promise<string>;
    }
  | { type: 'service-principal-secret'; tenantId: string; clientId: string; clientSecret: string }
  | {
      type: 'service-principal-certificate';
      tenantId: string;
      clientId: string;
      /** PEM text holding the certificate and its private key */
      certificate?: string;
      certificatePath?: string;
    }
  | { type: 'managed-identity'; clientId?: string }
  | { type: 'azure-cli'; tenantId?: string };

export type AuthType = AuthConfig['type'];

/** A short description of who signs in, for messages (ids are not secret). */
export function describeAuth(config: AuthConfig): string {
  switch (config.type) {
    case 'github-oidc':
      return `GitHub OIDC workload identity (client ${config.clientId}, tenant ${config.tenantId})`;
    case 'ado-workload-identity':
      return `Azure DevOps workload identity (client ${config.clientId}, tenant ${config.tenantId}, connection ${config.serviceConnectionId})`;
    case 'service-principal-secret':
      return `service principal ${config.clientId} with a client secret (tenant ${config.tenantId})`;
    case 'service-principal-certificate':
      return `service principal ${config.clientId} with a certificate (tenant ${config.tenantId})`;
    case 'managed-identity':
      return config.clientId ? `managed identity ${config.clientId}` : 'system-assigned managed identity';
    case 'azure-cli':
      return 'the Azure CLI login';
  }
}
