/**
 * Emulated GitHub Actions OIDC: the issuer's metadata and keys under `${baseUrl}/github-oidc`, and the ID-token
 * request endpoint that `@actions/core` getIDToken() calls as `${ACTIONS_ID_TOKEN_REQUEST_URL}&audience=...`
 * with `Authorization: Bearer ${ACTIONS_ID_TOKEN_REQUEST_TOKEN}`, answering `{ value: <jwt> }`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { currentState, type IdentityContext } from './context';
import { bearerToken, methodNotAllowed, sendJson, vssErrorBody, VSS_UNAUTHORIZED, safeDecode } from './http';
import { nowSeconds, signJwt } from './jwt';
import { jwks, type SigningKey } from './keys';
import { GITHUB_ISSUER_PATH, githubIssuer, githubSubject, type GitHubJob } from './world';

const ID_TOKEN_ROUTE = /^\/_apis\/distributedtask\/hubs\/Actions\/plans\/([^/]+)\/jobs\/([^/]+)\/idtoken$/i;

/** ACTIONS_ID_TOKEN_REQUEST_URL for a job; it already carries a query string, as GitHub's does. */
export function githubIdTokenRequestUrl(baseUrl: string, job: GitHubJob): string {
  return `${baseUrl}${GITHUB_ISSUER_PATH}/_apis/distributedtask/hubs/Actions/plans/${job.runId}/jobs/${job.id}/idtoken?api-version=2.0`;
}

export async function handleGitHubOidc(req: IncomingMessage, res: ServerResponse, url: URL, ctx: IdentityContext): Promise<boolean> {
  if (url.pathname !== GITHUB_ISSUER_PATH && !url.pathname.startsWith(`${GITHUB_ISSUER_PATH}/`)) return false;
  const route = url.pathname.slice(GITHUB_ISSUER_PATH.length);
  const state = currentState(ctx);
  const issuer = githubIssuer(ctx.baseUrl);
  if (route === '/.well-known/openid-configuration') {
    if (req.method !== 'GET') methodNotAllowed(res, 'GET');
    else sendJson(res, 200, issuerMetadata(issuer));
    return true;
  }
  if (route === '/.well-known/jwks') {
    if (req.method !== 'GET') methodNotAllowed(res, 'GET');
    else sendJson(res, 200, jwks([state.keys.github]));
    return true;
  }
  const m = ID_TOKEN_ROUTE.exec(route);
  if (!m) {
    sendJson(res, 404, vssErrorBody(`No GitHub OIDC endpoint at ${url.pathname}.`, 'NotFoundException', 'System.Net.Http.NotFoundException'));
    return true;
  }
  if (req.method !== 'GET' && req.method !== 'POST') {
    methodNotAllowed(res, 'GET, POST');
    return true;
  }
  const presented = bearerToken(req.headers.authorization);
  const job = presented ? state.world.githubJobs.find((j) => j.requestToken === presented) : undefined;
  if (!job || job.id !== safeDecode(m[2] ?? '')) {
    sendJson(res, 401, vssErrorBody("TF400813: The user '' is not authorized to access this resource.", VSS_UNAUTHORIZED.typeKey, VSS_UNAUTHORIZED.typeName));
    return true;
  }
  const owner = job.repository.split('/')[0] ?? job.repository;
  const audience = url.searchParams.get('audience') || `https://github.com/${owner}`;
  const value = githubIdToken(job, audience, issuer, state.keys.github, state.world.lifetimes.githubIdToken);
  sendJson(res, 200, { count: 1, value });
  return true;
}

function issuerMetadata(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks`,
    subject_types_supported: ['public', 'pairwise'],
    response_types_supported: ['id_token'],
    claims_supported: [
      'sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'ref', 'sha', 'repository', 'repository_id', 'repository_owner',
      'repository_owner_id', 'run_id', 'run_number', 'run_attempt', 'actor', 'actor_id', 'workflow', 'workflow_ref',
      'workflow_sha', 'head_ref', 'base_ref', 'event_name', 'ref_type', 'ref_protected', 'environment',
      'job_workflow_ref', 'job_workflow_sha', 'repository_visibility', 'runner_environment',
    ],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid'],
  };
}

function githubIdToken(job: GitHubJob, audience: string, issuer: string, key: SigningKey, lifetime: number): string {
  const now = nowSeconds();
  const [owner = ''] = job.repository.split('/');
  const workflowRef = `${job.repository}/.github/workflows/${job.workflow}.yml@${job.ref}`;
  const claims: Record<string, unknown> = {
    jti: randomUUID(),
    sub: githubSubject(job),
    aud: audience,
    ref: job.ref,
    sha: job.sha,
    repository: job.repository,
    repository_owner: owner,
    run_id: job.runId,
    run_number: '1',
    run_attempt: job.runAttempt,
    repository_visibility: 'private',
    actor: job.actor,
    workflow: job.workflow,
    head_ref: '',
    base_ref: '',
    event_name: job.eventName,
    ref_protected: 'false',
    ref_type: job.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    workflow_ref: workflowRef,
    workflow_sha: job.sha,
    job_workflow_ref: workflowRef,
    job_workflow_sha: job.sha,
    runner_environment: 'github-hosted',
    iss: issuer,
    nbf: now,
    exp: now + Math.max(1, Math.round(lifetime)),
    iat: now,
  };
  if (job.environment) claims.environment = job.environment;
  return signJwt(claims, key.privatePem, { x5t: key.kid, kid: key.kid });
}
