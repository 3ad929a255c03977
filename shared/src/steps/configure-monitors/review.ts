/**
 * configure-monitors, check mode with `on-breach: review` (vision and language models, which are not retrained
 * automatically): when the latest run breached, the lowest-scored samples the monitored deployment collected in the
 * production window are written to the collection's datastore (`review-queue/<monitor>/<run>/samples.jsonl`) and
 * registered as the data asset `<monitor>-review:<run>` (uri_folder, which an Azure ML labeling project imports),
 * and a GitHub issue or Azure DevOps work item asks for the review. A rerun on the same run changes nothing: the
 * data asset is the record that it was queued, and the issue is remembered beside the samples (`issue.json`) so a
 * retry after a failed registration opens no second issue.
 */
import { listDatastoreFolder, readDatastoreFile, writeDatastoreFile, isDatastoreUri } from '../../assets/datastore-read';
import { StepError } from '../../core/errors';
import { filesInWindow, parseCollected, selectForReview, type CollectedRecord, type ReviewRule, type ReviewSample } from '../../monitoring/review';
import { openAdoWorkItem, openGitHubIssue, type ReviewItem, type TrackerAnswer } from '../../monitoring/review-tracker';
import { durationMs } from '../../specs/monitor/durations';
import type { ScheduleBody } from '../../specs/monitor';
import type { StepContext } from '../definition';
import type { WorkspaceConnection } from '../workspace';
import { readDataAsset } from './doctor';
import { readTarget } from './target';

export interface ReviewOutcome {
  data: string;
  samples: number;
  scanned: number;
  item?: TrackerAnswer;
  /** Already queued by an earlier check of the same run */
  existing: boolean;
  note?: string;
}

const MAX_FILES = 2000;
const DEPLOYMENT = /\/onlineEndpoints\/([A-Za-z][A-Za-z0-9-]{1,31})\/deployments\/([A-Za-z0-9][A-Za-z0-9-]{1,31})$/i;
type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

/** The production window of the monitor (the first signal that says one; default 7 days). */
function windowOf(schedule: ScheduleBody): number {
  for (const s of Object.values(obj(obj(obj(schedule.properties).action).monitorDefinition).signals ?? {})) {
    const prod = obj(obj(s).productionData);
    const w = typeof prod.windowSize === 'string' ? durationMs(prod.windowSize) : undefined;
    if (w) return w;
  }
  return 7 * 86400e3;
}

async function recordsOf(ctx: StepContext, conn: WorkspaceConnection, folder: string, from: number, to: number): Promise<CollectedRecord[]> {
  const files = filesInWindow(await listDatastoreFolder(conn.client, conn.scope, folder, ctx.deadline.signal, 50_000), from, to).slice(-MAX_FILES);
  const out: CollectedRecord[] = [];
  let bad = 0;
  for (const f of files) {
    const parsed = parseCollected(await readDatastoreFile(conn.client, conn.scope, f, ctx.deadline.signal, 'the collected data'));
    out.push(...parsed.records);
    bad += parsed.bad;
  }
  if (bad) ctx.host.warning(`${bad} collected line(s) under ${folder} are not data collector records; skipped.`);
  return out;
}

function itemFor(monitor: string, run: string, data: string, signals: string[], rule: ReviewRule, samples: ReviewSample[], runUrl?: string): ReviewItem {
  const lines = [
    `The model monitor \`${monitor}\` breached in run \`${run}\` (${signals.join(', ')}). This model is not retrained automatically: the samples it scored lowest need a person to label them.`,
    '',
    `- Samples: ${samples.length} with \`${rule.column} < ${rule.below}\`, lowest first`,
    `- Labeling dataset: \`${data}\` (create or extend an Azure ML data labeling project from it)`,
    ...(runUrl ? [`- Found by: ${runUrl}`] : []),
    '',
    `Lowest scores: ${samples.slice(0, 10).map((s) => s.score.toPrecision(3)).join(', ')}`,
  ];
  return { title: `Review ${samples.length} low-confidence samples from monitor ${monitor}`, body: lines.join('\n'), labels: ['model-review'] };
}

async function openItem(ctx: StepContext, item: ReviewItem): Promise<TrackerAnswer | undefined> {
  const { host } = ctx;
  if (host.kind === 'azure-devops') {
    const token = host.auth.serviceConnection?.systemAccessToken;
    const project = host.run.project;
    if (!token || !project) {
      host.warning('No work item was created: the job has no access token (System.AccessToken) or project.');
      return undefined;
    }
    return openAdoWorkItem({ collectionUri: project.collectionUri, project: project.name, token, type: (ctx.inputs.string('review-work-item-type') ?? 'Task').trim(), item, signal: ctx.deadline.signal });
  }
  const token = ctx.inputs.string('github-token');
  const repository = host.run.repository;
  if (!token || !repository) {
    host.warning('No issue was opened: review needs github-token (issues: write) and the repository (GITHUB_REPOSITORY).');
    return undefined;
  }
  return openGitHubIssue({ apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com', repository, token, item, signal: ctx.deadline.signal });
}

export async function queueForReview(ctx: StepContext, conn: WorkspaceConnection, a: { monitor: string; run: string; runCreated?: string; signals: string[]; schedule: ScheduleBody; rule: ReviewRule }): Promise<ReviewOutcome> {
  const { host } = ctx;
  const { client, scope } = conn;
  const rg = scope.resourceGroup;
  const ws = scope.workspaceName;
  const name = `${a.monitor}-review`.slice(0, 255);
  const version = a.run.replace(/[^\w.-]/g, '-').slice(0, 64);
  const data = `azureml:${name}:${version}`;
  const existing = await client.assets.getDataVersion(rg, ws, name, version);
  if (existing) {
    const url = existing.properties.tags?.['review-item'];
    host.info(`Run ${a.run} is already queued for review as ${data}${url ? ` (${url})` : ''}; nothing to do.`);
    return { data, samples: Number(existing.properties.tags?.samples ?? 0), scanned: 0, existing: true, ...(url ? { item: { url, id: existing.properties.tags?.['review-item-id'] ?? '' } } : {}) };
  }

  // The collections of the monitored deployment, and what they hold in the monitor's production window.
  const dep = DEPLOYMENT.exec(String(obj(obj(obj(obj(a.schedule.properties).action).monitorDefinition).monitoringTarget).deploymentId ?? ''));
  if (!dep) throw new StepError('input', `Monitor ${a.monitor} names no online deployment (monitoring_target.endpoint_deployment_id), so there is no collected data to review.`, { input: 'on-breach' });
  const target = await readTarget(client, scope, dep[1]!, dep[2]!);
  const folderOf = async (collection: string) => {
    const id = target.collections[collection]?.dataId;
    const asset = id ? await readDataAsset(client, scope, id) : undefined;
    return asset?.uri && isDatastoreUri(asset.uri) ? asset.uri : undefined;
  };
  const outputsFolder = await folderOf('model_outputs');
  if (!outputsFolder) {
    throw new StepError('input', `Deployment ${dep[2]} of ${dep[1]} collects no model_outputs, so there are no scores to pick samples by.`, { input: 'on-breach', hint: 'Enable data_collector.collections.model_outputs on the deployment (and collect the score from the scoring script).' });
  }
  const inputsFolder = await folderOf('model_inputs');
  const to = Date.parse(a.runCreated ?? '') || Date.now();
  const from = to - windowOf(a.schedule);
  const outputs = await recordsOf(ctx, conn, outputsFolder, from, to);
  const inputs = inputsFolder ? await recordsOf(ctx, conn, inputsFolder, from, to) : [];
  const picked = selectForReview(inputs, outputs, a.rule);
  host.info(`Review queue: ${picked.samples.length} of ${picked.scanned} collected outputs have ${a.rule.column} < ${a.rule.below}${picked.scored < picked.scanned ? ` (${picked.scanned - picked.scored} had no numeric ${a.rule.column})` : ''}.`);
  if (!picked.samples.length) return { data, samples: 0, scanned: picked.scanned, existing: false, note: `no collected output has ${a.rule.column} < ${a.rule.below}` };
  if (conn.dryRun) {
    host.info(`Dry run: would write ${picked.samples.length} samples as ${data} and open a review item.`);
    return { data, samples: picked.samples.length, scanned: picked.scanned, existing: false, note: 'dry run' };
  }

  // Samples, then the issue (remembered beside them), then the data asset that records it all.
  const root = outputsFolder.replace(/\/paths\/.*$/, '/paths');
  const folder = `${root}/review-queue/${a.monitor}/${version}`;
  await writeDatastoreFile(client, scope, `${folder}/samples.jsonl`, picked.samples.map((s) => JSON.stringify(s)).join('\n') + '\n', 'application/jsonl', ctx.deadline.signal);
  let item: TrackerAnswer | undefined;
  try {
    item = JSON.parse(await readDatastoreFile(client, scope, `${folder}/issue.json`, ctx.deadline.signal, 'the review record')) as TrackerAnswer;
    host.info(`The review item for run ${a.run} was opened by an earlier check: ${item.url}`);
  } catch (e) {
    if (!(e instanceof StepError) || e.kind !== 'not-found') throw e;
    try {
      item = await openItem(ctx, itemFor(a.monitor, a.run, data, a.signals, a.rule, picked.samples, host.run.runUrl));
    } catch (err) {
      throw new StepError('service', `The samples are written, but the review item could not be opened: ${(err as Error).message}`, { hint: 'Rerun the check: the samples are kept and only the item is retried.' });
    }
    if (item) await writeDatastoreFile(client, scope, `${folder}/issue.json`, JSON.stringify(item), 'application/json', ctx.deadline.signal);
  }
  await client.assets.createOrUpdateDataVersion(rg, ws, name, version, {
    properties: {
      dataType: 'uri_folder',
      dataUri: `${folder}/`,
      description: `Samples of ${a.monitor} run ${a.run} to label: ${a.rule.column} < ${a.rule.below}, lowest first.`,
      isAnonymous: false,
      tags: { monitor: a.monitor, run: a.run, samples: String(picked.samples.length), ...(item?.url ? { 'review-item': item.url, 'review-item-id': item.id } : {}) },
    },
  });
  host.info(`Queued ${picked.samples.length} samples for review as ${data}${item?.url ? `; ${item.url}` : ''}.`);
  return { data, samples: picked.samples.length, scanned: picked.scanned, existing: false, ...(item ? { item } : {}) };
}
