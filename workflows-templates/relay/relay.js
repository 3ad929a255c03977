'use strict';
/**
 * The monitor-breach relay: Event Grid → GitHub repository_dispatch or an Azure DevOps incoming webhook.
 *
 * configure-monitors' `event-webhook` points Event Grid at this function. Event Grid first sends a
 * SubscriptionValidationEvent and only delivers once the endpoint echoes its validationCode, which neither GitHub
 * nor an Azure DevOps incoming webhook does; this relay answers the handshake, keeps only the run status changes of
 * monitor runs that breached a threshold, and forwards each one:
 *   RELAY_TARGET=github         POST {GITHUB_API_URL}/repos/{GITHUB_REPOSITORY}/dispatches with GITHUB_TOKEN
 *                               (contents: write), event_type RELAY_EVENT_TYPE (default monitor-breached)
 *   RELAY_TARGET=azure-devops   POST ADO_WEBHOOK_URL (the incoming-webhook service connection's URL,
 *                               .../_apis/public/distributedtask/webhooks/<name>?api-version=6.0-preview), signed
 *                               with ADO_WEBHOOK_SECRET as `X-Hub-Signature: sha1=<hmac>` when the connection has one
 * RELAY_KEY, when set, must come as the `key` query parameter (the Functions host already checks `code`).
 * A forward that fails answers 502 so Event Grid retries; an event that is not a breach answers 200 and is dropped.
 * No dependencies: Node 20's fetch and crypto. `handle` is the whole logic; the Functions adapter is a few lines.
 */
const { createHmac, timingSafeEqual } = require('node:crypto');

const VALIDATION = 'Microsoft.EventGrid.SubscriptionValidationEvent';
const RUN_STATUS_CHANGED = 'Microsoft.MachineLearningServices.RunStatusChanged';
const BREACH_TAG = 'azureml_modelmonitor_threshold_breached';
const PHRASE = 'has failed due to one or more features violating metric thresholds';

/** A map's value by a key matched case-insensitively (Event Grid data is camelCase; filters say RunTags). */
function pick(obj, key) {
  if (!obj || typeof obj !== 'object') return undefined;
  const k = Object.keys(obj).find((x) => x.toLowerCase() === key.toLowerCase());
  return k === undefined ? undefined : obj[k];
}

/** The breached signals named in the tag (names only: the values stay in the workspace). */
function signalsOf(tag) {
  const out = [];
  const re = /The signal '([^']{1,256})' has failed/g;
  let m;
  while ((m = re.exec(tag)) !== null && out.length < 20) out.push(m[1]);
  return out;
}

/** What is forwarded: who breached, where, and the run to read (never the tag's raw text). */
function breachOf(event) {
  if (!event || event.eventType !== RUN_STATUS_CHANGED) return undefined;
  const data = event.data || {};
  const tag = pick(pick(data, 'runTags'), BREACH_TAG);
  if (typeof tag !== 'string' || !tag.includes(PHRASE)) return undefined;
  const props = pick(data, 'runProperties') || {};
  const workspace = /\/workspaces\/([^/]+)$/i.exec(String(event.topic || ''));
  return {
    monitor: String(pick(props, 'azureml.modelmonitor.schedule') || pick(data, 'experimentName') || '').slice(0, 255),
    run: String(pick(data, 'runId') || '').slice(0, 255),
    workspace: workspace ? workspace[1] : '',
    workspace_id: String(event.topic || '').slice(0, 500),
    signals: signalsOf(tag),
    event_id: String(event.id || '').slice(0, 100),
    event_time: String(event.eventTime || '').slice(0, 40),
  };
}

function sameSecret(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
}

async function forward(breach, event, env, fetchImpl) {
  const target = (env.RELAY_TARGET || 'github').toLowerCase();
  if (target === 'github') {
    const repo = env.GITHUB_REPOSITORY || '';
    if (!/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9_.-]{1,100}$/.test(repo) || !env.GITHUB_TOKEN) throw new Error('GITHUB_REPOSITORY (owner/repo) and GITHUB_TOKEN must be set');
    const api = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
    const res = await fetchImpl(`${api}/repos/${repo}/dispatches`, {
      method: 'POST',
      headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${env.GITHUB_TOKEN}`, 'content-type': 'application/json', 'user-agent': 'aml-lifecycle-relay', 'x-github-api-version': '2022-11-28' },
      body: JSON.stringify({ event_type: env.RELAY_EVENT_TYPE || 'monitor-breached', client_payload: breach }),
    });
    if (res.status !== 204 && res.status !== 200) throw new Error(`GitHub answered ${res.status}`);
    return `repository_dispatch to ${repo}`;
  }
  if (target === 'azure-devops') {
    const url = env.ADO_WEBHOOK_URL || '';
    if (!/^https:\/\//.test(url) && !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url)) throw new Error('ADO_WEBHOOK_URL must be the https URL of the incoming webhook');
    const body = JSON.stringify({ ...breach, eventType: event.eventType, subject: String(event.subject || '').slice(0, 500) });
    const headers = { 'content-type': 'application/json' };
    if (env.ADO_WEBHOOK_SECRET) headers[env.ADO_WEBHOOK_HEADER || 'X-Hub-Signature'] = `sha1=${createHmac('sha1', env.ADO_WEBHOOK_SECRET).update(body).digest('hex')}`;
    const res = await fetchImpl(url, { method: 'POST', headers, body });
    if (res.status < 200 || res.status > 299) throw new Error(`Azure DevOps answered ${res.status}`);
    return 'Azure DevOps incoming webhook';
  }
  throw new Error(`RELAY_TARGET '${target}' is not github or azure-devops`);
}

/**
 * One HTTP request in, one answer out: `request` is { method, headers (lower-case names), query, body (text) };
 * the answer is { status, headers?, body? }. `log` gets one line per forwarded breach and per failure.
 */
async function handle(request, env = process.env, fetchImpl = fetch, log = () => {}) {
  if (request.method !== 'POST') return { status: 405, body: 'POST only' };
  if (env.RELAY_KEY && !sameSecret((request.query && request.query.key) || '', env.RELAY_KEY)) return { status: 401, body: 'unauthorized' };
  let events;
  try {
    events = JSON.parse(request.body || '[]');
  } catch {
    return { status: 400, body: 'the body is not JSON' };
  }
  if (!Array.isArray(events)) events = [events];
  const kind = request.headers['aeg-event-type'];
  const validation = events.find((e) => e && e.eventType === VALIDATION);
  if (kind === 'SubscriptionValidation' || validation) {
    const code = validation && validation.data && validation.data.validationCode;
    if (typeof code !== 'string') return { status: 400, body: 'no validationCode' };
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ validationResponse: code }) };
  }
  let failed = 0;
  for (const event of events) {
    const breach = breachOf(event);
    if (!breach) continue;
    try {
      const to = await forward(breach, event, env, fetchImpl);
      log(`forwarded breach of ${breach.monitor} (run ${breach.run}, ${breach.signals.join(', ') || 'signals not named'}) to ${to}`);
    } catch (e) {
      failed += 1;
      log(`could not forward breach of ${breach.monitor}: ${e.message}`);
    }
  }
  return failed ? { status: 502, body: `${failed} breach event(s) could not be forwarded` } : { status: 200 };
}

module.exports = { handle, breachOf };
