/**
 * A minimal Entra ID on the scripted HTTPS server: OpenID metadata and a token endpoint that accepts a client
 * secret or a client assertion, plus an Azure DevOps OIDC endpoint. Enough for @azure/identity to sign in for real.
 */
import { randomBytes } from 'node:crypto';
import type { CloudEndpoints } from '../../../shared/src/auth/clouds';
import { ScriptedServer, type Reply } from '../azureml/scripted-server';

export const TENANT = '11111111-2222-3333-4444-555555555555';
export const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

export interface TokenRequest {
  form: URLSearchParams;
}

/** Entra-style error body for an AADSTS code. */
export function aadError(status: number, code: number, description: string): Reply {
  return {
    status,
    body: {
      error: status === 401 ? 'invalid_client' : 'invalid_request',
      error_description: `AADSTS${code}: ${description}\r\nTrace ID: 0f1e2d3c\r\nCorrelation ID: 9a8b7c6d\r\nTimestamp: 2026-07-01 10:00:00Z`,
      error_codes: [code],
      timestamp: '2026-07-01 10:00:00Z',
      trace_id: '0f1e2d3c',
      correlation_id: '9a8b7c6d',
    },
  };
}

/** A JWT-shaped access token (only its shape matters to the client). */
export function fakeJwt(): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ aud: 'https://management.azure.com', nonce: randomBytes(6).toString('hex') })}.${randomBytes(16).toString('base64url')}`;
}

export function issueToken(): Reply {
  return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: fakeJwt() } };
}

export class FakeEntra {
  readonly tokenRequests: TokenRequest[] = [];
  /** Decide each token request; default: issue a token. */
  tokenHandler: (req: TokenRequest) => Reply = issueToken;
  oidcToken = 'ado-oidc-token-' + randomBytes(8).toString('hex');

  private constructor(readonly server: ScriptedServer) {}

  static async start(): Promise<FakeEntra> {
    const server = await ScriptedServer.start();
    const entra = new FakeEntra(server);
    server.on('GET', /\/v2\.0\/\.well-known\/openid-configuration$/, (req) => {
      const tenant = req.path.split('/')[1];
      const base = `${server.base}/${tenant}`;
      return {
        status: 200,
        body: {
          token_endpoint: `${base}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          issuer: `${base}/v2.0`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        },
      };
    });
    server.on('POST', /\/oauth2\/v2\.0\/token$/, (req) => {
      const tokenRequest = { form: new URLSearchParams(req.body) };
      entra.tokenRequests.push(tokenRequest);
      return entra.tokenHandler(tokenRequest);
    });
    server.on('POST', /^\/oidc$/, (req) =>
      req.headers.authorization === 'Bearer system-access-token'
        ? { status: 200, body: { oidcToken: entra.oidcToken } }
        : { status: 401, body: 'unauthorised' },
    );
    return entra;
  }

  get base(): string {
    return this.server.base;
  }

  cloud(): CloudEndpoints {
    return {
      name: 'Custom',
      resourceManager: 'https://management.azure.com',
      resourceManagerAudience: 'https://management.azure.com',
      authorityHost: this.server.base,
      mlAudience: 'https://ml.azure.com',
    };
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
