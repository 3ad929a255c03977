/**
 * Where a review request goes: a GitHub issue (POST {api}/repos/{owner}/{repo}/issues, the token needs issues:
 * write) or an Azure DevOps work item (POST {collection}{project}/_apis/wit/workitems/${type}, JSON Patch, with the
 * job's access token). Tokens go only into the Authorization header; errors name the status and the service's
 * message, never the token.
 */
import { dispatchProblem } from './dispatch';

export interface ReviewItem {
  title: string;
  /** Markdown (GitHub) — Azure DevOps gets the same text as HTML-escaped preformatted text */
  body: string;
  labels: string[];
}

export interface TrackerAnswer {
  url: string;
  id: string;
}

async function failure(res: Response, what: string, hint: string): Promise<Error> {
  let message = '';
  try {
    const j = (await res.json()) as { message?: unknown };
    message = String(j.message ?? '');
  } catch {
    /* no JSON body */
  }
  return new Error(`${what} answered ${res.status}${message ? `: ${message.slice(0, 200)}` : ''}${res.status === 401 || res.status === 403 || res.status === 404 ? ` (${hint})` : ''}.`);
}

export async function openGitHubIssue(r: { apiUrl: string; repository: string; token: string; item: ReviewItem; signal?: AbortSignal }): Promise<TrackerAnswer> {
  const problem = dispatchProblem({ apiUrl: r.apiUrl, repository: r.repository, eventType: 'issue' });
  if (problem) throw new Error(`GitHub issue: ${problem}.`);
  const res = await fetch(`${r.apiUrl.replace(/\/+$/, '')}/repos/${r.repository}/issues`, {
    method: 'POST',
    headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${r.token}`, 'content-type': 'application/json', 'user-agent': 'aml-lifecycle', 'x-github-api-version': '2022-11-28' },
    body: JSON.stringify({ title: r.item.title.slice(0, 256), body: r.item.body.slice(0, 60_000), labels: r.item.labels }),
    ...(r.signal ? { signal: r.signal } : {}),
  });
  if (res.status !== 201) throw await failure(res, `Opening an issue in ${r.repository}`, 'the token needs issues: write on the repository');
  const j = (await res.json()) as { html_url?: unknown; number?: unknown };
  return { url: String(j.html_url ?? ''), id: String(j.number ?? '') };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const WORK_ITEM_TYPE = /^[A-Za-z][A-Za-z0-9 _-]{0,63}$/;

export async function openAdoWorkItem(r: { collectionUri: string; project: string; token: string; type: string; item: ReviewItem; signal?: AbortSignal }): Promise<TrackerAnswer> {
  if (!WORK_ITEM_TYPE.test(r.type)) throw new Error(`Work item type '${r.type}' is not a work item type name.`);
  let base: URL;
  try {
    base = new URL(r.collectionUri.replace(/\/?$/, '/'));
  } catch {
    throw new Error(`'${r.collectionUri}' is not the collection URL.`);
  }
  const local = base.hostname === 'localhost' || base.hostname === '127.0.0.1';
  if (base.protocol !== 'https:' && !(base.protocol === 'http:' && local)) throw new Error('The Azure DevOps collection URL must be https.');
  const url = new URL(`${encodeURIComponent(r.project)}/_apis/wit/workitems/$${encodeURIComponent(r.type)}?api-version=7.1`, base);
  const patch = [
    { op: 'add', path: '/fields/System.Title', value: r.item.title.slice(0, 255) },
    { op: 'add', path: '/fields/System.Description', value: `<pre>${escapeHtml(r.item.body.slice(0, 30_000))}</pre>` },
    { op: 'add', path: '/fields/System.Tags', value: r.item.labels.join('; ') },
  ];
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${r.token}`, 'content-type': 'application/json-patch+json', accept: 'application/json' },
    body: JSON.stringify(patch),
    ...(r.signal ? { signal: r.signal } : {}),
  });
  if (res.status !== 200) throw await failure(res, `Creating a ${r.type} in ${r.project}`, "the pipeline's build service identity needs 'Create work items' in the project");
  const j = (await res.json()) as { id?: unknown; _links?: { html?: { href?: unknown } } };
  return { url: String(j._links?.html?.href ?? ''), id: String(j.id ?? '') };
}
