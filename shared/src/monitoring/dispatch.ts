/**
 * GitHub `repository_dispatch`: how check mode (and the relay) start the retraining workflow when a monitor breached.
 * POST {api}/repos/{owner}/{repo}/dispatches with `event_type` and a small `client_payload`; GitHub answers 204.
 * The token goes only into the Authorization header; errors name the status and GitHub's message, never the token.
 */

export interface DispatchRequest {
  apiUrl: string;
  repository: string;
  token: string;
  eventType: string;
  payload: Record<string, unknown>;
  signal?: AbortSignal;
}

/** GitHub owners are letters, digits and '-'; repository names add '_' and '.', but are never '.' or '..'. */
const REPO = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/(?!\.{1,2}$)[A-Za-z0-9_.-]{1,100}$/;
const EVENT_TYPE = /^[A-Za-z0-9_.:-]{1,100}$/;

export function dispatchProblem(r: Pick<DispatchRequest, 'repository' | 'eventType' | 'apiUrl'>): string | undefined {
  if (!REPO.test(r.repository)) return `'${r.repository}' is not owner/repo`;
  if (!EVENT_TYPE.test(r.eventType)) return `event type '${r.eventType}' must be 1-100 letters, digits, '_', '.', ':' or '-'`;
  let u: URL;
  try {
    u = new URL(r.apiUrl);
  } catch {
    return `'${r.apiUrl}' is not a URL`;
  }
  const local = u.hostname === 'localhost' || u.hostname === '127.0.0.1';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && local)) return `the GitHub API URL must be https`;
  return undefined;
}

/** Send the dispatch; resolves when GitHub accepted it, throws an Error with a plain reason otherwise. */
export async function sendRepositoryDispatch(r: DispatchRequest): Promise<void> {
  const problem = dispatchProblem(r);
  if (problem) throw new Error(`repository_dispatch: ${problem}.`);
  // The payload is bounded: GitHub allows at most 10 top-level keys in client_payload.
  const payload = Object.fromEntries(Object.entries(r.payload).slice(0, 10));
  const res = await fetch(`${r.apiUrl.replace(/\/+$/, '')}/repos/${r.repository}/dispatches`, {
    method: 'POST',
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${r.token}`,
      'content-type': 'application/json',
      'user-agent': 'aml-lifecycle',
      'x-github-api-version': '2022-11-28',
    },
    body: JSON.stringify({ event_type: r.eventType, client_payload: payload }),
    ...(r.signal ? { signal: r.signal } : {}),
  });
  if (res.status === 204 || res.status === 200) return;
  let message = '';
  try {
    message = String(((await res.json()) as { message?: unknown }).message ?? '');
  } catch {
    /* no JSON body */
  }
  const hint = res.status === 404 || res.status === 403 ? ' (the token needs contents: write on the repository)' : '';
  throw new Error(`repository_dispatch to ${r.repository} answered ${res.status}${message ? `: ${message.slice(0, 200)}` : ''}${hint}.`);
}
