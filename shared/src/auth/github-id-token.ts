/**
 * The GitHub Actions OIDC ID token, fetched with Node's own HTTPS client: what `@actions/core`'s getIDToken does,
 * without its `::debug::` and `::add-mask::` lines on stdout. The CLI host uses it so that, inside a GitHub job,
 * stdout stays one JSON object and the token is masked by the CLI's own output rather than printed for a runner
 * that may not be there.
 */
import { request } from 'node:https';
import { StepError } from '../core/errors';
import { describeNetworkFailure } from '../core/network-error';
import { proxyAgentFor } from '../core/proxy-agent';

export interface IdTokenRequest {
  /** ACTIONS_ID_TOKEN_REQUEST_URL */
  url: string;
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN */
  bearer: string;
  signal?: AbortSignal;
}

const MAX_BODY = 64 * 1024;

export function fetchGitHubIdToken(req: IdTokenRequest, audience: string): Promise<string> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    throw new StepError('auth', 'ACTIONS_ID_TOKEN_REQUEST_URL is not a URL, so no GitHub ID token can be requested');
  }
  if (url.protocol !== 'https:') {
    throw new StepError('auth', `ACTIONS_ID_TOKEN_REQUEST_URL must be an https URL (got ${url.protocol}//${url.host})`);
  }
  url.searchParams.set('audience', audience);
  const where = url.host;
  return new Promise<string>((resolve, reject) => {
    const r = request(
      url,
      { method: 'GET', headers: { Authorization: `Bearer ${req.bearer}`, Accept: 'application/json' }, signal: req.signal, timeout: 30_000, agent: proxyAgentFor(url) },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_BODY) chunks.push(c);
        });
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status !== 200) {
            reject(
              // The advice is part of the message: credential errors wrap this one and keep its message only.
              new StepError(
                status >= 500 || status === 429 ? 'transient' : 'auth',
                `GitHub's ID token service at ${where} answered HTTP ${status}` +
                  (status === 401 || status === 403 ? " (the job needs 'permissions: id-token: write')" : ''),
                { status },
              ),
            );
            return;
          }
          let value: unknown;
          try {
            value = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { value?: unknown }).value;
          } catch {
            /* handled below */
          }
          if (typeof value !== 'string' || !value) {
            reject(new StepError('auth', `GitHub's ID token service at ${where} answered without a token`));
            return;
          }
          resolve(value);
        });
      },
    );
    r.on('timeout', () => r.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    r.on('error', (e) => {
      if (e instanceof StepError) return reject(e);
      const failure = describeNetworkFailure(e, url.toString());
      reject(new StepError(failure ? 'network' : 'auth', `Could not request a GitHub ID token from ${where}: ${failure?.text ?? e.message}`, { cause: e }));
    });
    r.end();
  });
}
