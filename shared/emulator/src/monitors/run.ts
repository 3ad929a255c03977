/**
 * A monitor run on demand (`POST /_emulator/monitors/{sub}/{rg}/{ws}/{schedule}/run`), as the scheduled Spark
 * pipeline of a CreateMonitor schedule does it: each data drift, prediction drift and data quality signal is
 * computed with the project's own check library (shared/src/checks/data) from the signal's production and
 * reference data (data assets in Azurite: CSV files, or the JSON Lines records model data collection writes,
 * limited to the rolling window's hour folders), with the signal's metric thresholds and feature filter. The run is
 * recorded as a Pipeline job of the workspace that names its schedule (`azureml.modelmonitor.schedule`):
 * Completed, or Failed with the tag `azureml_modelmonitor_threshold_breached` describing every breached signal and
 * its violating features, as the service words it. Other signal kinds are reported as not computed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonStore } from '../state/json-store';
import type { ArmState, Json } from '../state/model';
import type { Reply } from '../http';
import { isObject, json } from '../http';
import { getResource, propertiesOf } from '../arm/resource-helpers';
import { resolveModelUri } from '../arm/blob-location';
import { storageEndpoint } from '../arm/datastores';
import { getBlob, listBlobNames } from '../blob-admin';
import { settle } from '../lro/settle';
import { commandJobs } from '../jobs/state';
import { evaluateDataQuality, evaluateDrift, rowsSource, type DataInput } from '../../../src/checks/data';
import { BREACH_PHRASE, BREACH_TAG } from '../../../src/monitoring/breach';
import { durationMs } from '../../../src/specs/monitor/durations';
import { publishWorkspaceEvent, type EventGridDeps } from '../eventgrid/publish';

export interface MonitorRunDeps {
  store: JsonStore<ArmState>;
  ca: string;
  /** Where the run's RunStatusChanged event is published (the workspace's Event Grid subscriptions) */
  events?: EventGridDeps;
}

interface SignalOutcome {
  type: string;
  computed: boolean;
  breached: boolean;
  rows: { group: string; metric_name: string; metric_value: number; threshold_value: number }[];
  note?: string;
}

const ROUTE = /^\/_emulator\/monitors\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/run$/;
const DATA_REF = /^azureml:([A-Za-z0-9_][\w.-]*):([\w.-]+)$/;
const HOUR = /\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/[^/]+$/;

/** The rows of a data input: its files in blob storage, limited to a rolling window's hours when laid out by hour. */
async function loadData(deps: MonitorRunDeps, state: ArmState, wsId: string, input: Json, now: number, tmp: string): Promise<DataInput> {
  const uri = String(input.uri ?? '');
  const ref = DATA_REF.exec(uri);
  const dataUri = ref ? String(propertiesOf(getResource(state, `${wsId}/data/${ref[1]}/versions/${ref[2]}`)?.body ?? {}).dataUri ?? '') : uri;
  const loc = resolveModelUri(state, dataUri, wsId);
  if (typeof loc === 'string') throw new Error(`${uri}: ${loc}`);
  const account = state.storageAccounts[loc.account];
  if (!account || !state.azurite) throw new Error(`${uri}: blob storage is not running`);
  const ep = { hostPort: storageEndpoint(state), ca: deps.ca };
  const path = loc.path.replace(/^\/+|\/+$/g, '');
  const names = (await listBlobNames(ep, account, loc.container, path)).filter((n) => n === path || n.startsWith(`${path}/`));
  let files = names;
  if (input.inputDataType === 'Rolling') {
    const size = durationMs(String(input.windowSize ?? 'P7D')) ?? 7 * 86400e3;
    const offset = durationMs(String(input.windowOffset ?? 'P0D')) ?? 0;
    const [from, to] = [now - offset - size, now - offset];
    files = names.filter((n) => {
      const h = HOUR.exec(n);
      if (!h) return true;
      const t = Date.UTC(+h[1]!, +h[2]! - 1, +h[3]!, +h[4]!);
      return t + 3600e3 > from && t <= to;
    });
  }
  if (!files.length) throw new Error(`${uri}: no data${input.inputDataType === 'Rolling' ? ' in the window' : ''}`);
  const records: Record<string, unknown>[] = [];
  const csvs: string[] = [];
  for (const name of files) {
    const data = (await getBlob(ep, account, loc.container, name)).data.toString('utf8');
    if (/\.jsonl?$/i.test(name)) {
      for (const line of data.split('\n')) {
        if (!line.trim()) continue;
        const r = JSON.parse(line) as Json;
        for (const row of Array.isArray(r.data) ? r.data : [r]) if (isObject(row)) records.push(row);
      }
    } else if (/\.csv$/i.test(name)) {
      mkdirSync(tmp, { recursive: true });
      const file = join(tmp, `${csvs.length}.csv`);
      writeFileSync(file, data);
      csvs.push(file);
    }
  }
  if (csvs.length === 1 && !records.length) return csvs[0]!;
  if (csvs.length) throw new Error(`${uri}: ${csvs.length} CSV files; the emulator reads one CSV file or collected JSON Lines`);
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
  return rowsSource(columns, records as never);
}

function thresholdOptions(list: unknown): { numerical: Record<string, number>; categorical: Record<string, number>; numMetrics: string[]; catMetrics: string[] } {
  const out = { numerical: {} as Record<string, number>, categorical: {} as Record<string, number>, numMetrics: [] as string[], catMetrics: [] as string[] };
  for (const t of Array.isArray(list) ? list : []) {
    if (!isObject(t)) continue;
    const v = isObject(t.threshold) && typeof t.threshold.value === 'number' ? t.threshold.value : undefined;
    const numerical = String(t.dataType) === 'Numerical';
    (numerical ? out.numMetrics : out.catMetrics).push(String(t.metric));
    if (v !== undefined) (numerical ? out.numerical : out.categorical)[String(t.metric)] = v;
  }
  return out;
}

async function runSignal(deps: MonitorRunDeps, state: ArmState, wsId: string, s: Json, now: number, tmp: string): Promise<SignalOutcome> {
  const type = String(s.signalType);
  const base: SignalOutcome = { type, computed: false, breached: false, rows: [] };
  if (!['DataDrift', 'PredictionDrift', 'DataQuality'].includes(type)) return { ...base, note: `${type} signals are not computed by the emulator` };
  const production = isObject(s.productionData) ? s.productionData : undefined;
  const reference = isObject(s.referenceData) ? s.referenceData : undefined;
  if (!production || !reference) return { ...base, note: 'no production or reference data' };
  const [target, baseline] = [await loadData(deps, state, wsId, production, now, join(tmp, 'p')), await loadData(deps, state, wsId, reference, now, join(tmp, 'r'))];
  const f = isObject(s.features) ? s.features : {};
  const features = f.filterType === 'FeatureSubset' && Array.isArray(f.features) ? { subset: f.features.map(String) } : 'all';
  const t = thresholdOptions(s.metricThresholds);
  const rows =
    type === 'DataQuality'
      ? (await evaluateDataQuality(baseline, target, { features, metrics: [...new Set([...t.numMetrics, ...t.catMetrics])] as never, thresholds: { numerical: t.numerical, categorical: t.categorical } as never })).rows
      : (
          await evaluateDrift(baseline, target, {
            features,
            signal: type === 'PredictionDrift' ? 'prediction-drift' : 'data-drift',
            ...(t.numMetrics.length ? { numericalMetrics: t.numMetrics as never } : {}),
            ...(t.catMetrics.length ? { categoricalMetrics: t.catMetrics as never } : {}),
            thresholds: { numerical: t.numerical, categorical: t.categorical } as never,
          })
        ).rows;
  const failed = rows.filter((r) => !r.passed && r.value !== null);
  return { ...base, computed: true, breached: failed.length > 0, rows: failed.map((r) => ({ group: r.feature, metric_name: r.metric, metric_value: r.value!, threshold_value: r.threshold })) };
}

function breachText(outcomes: Record<string, SignalOutcome>): string {
  return Object.entries(outcomes)
    .filter(([, o]) => o.breached)
    .map(([name, o]) => `The signal '${name}' ${BREACH_PHRASE}. ${JSON.stringify(o.rows)}`)
    .join(' ');
}

export async function runMonitor(deps: MonitorRunDeps, scheduleId: string, now = Date.now()): Promise<Reply> {
  const state = deps.store.read();
  settle(state, now);
  const schedule = getResource(state, scheduleId);
  if (!schedule) return json(404, { error: { code: 'NotFound', message: `Schedule ${scheduleId} does not exist.` } });
  const action = propertiesOf(schedule.body).action;
  const def = isObject(action) && isObject(action.monitorDefinition) ? action.monitorDefinition : undefined;
  if (!def) return json(400, { error: { code: 'BadRequest', message: `Schedule ${scheduleId} is not a monitor (CreateMonitor).` } });
  const wsId = schedule.id.slice(0, schedule.id.toLowerCase().indexOf('/schedules/'));
  const name = scheduleId.slice(scheduleId.lastIndexOf('/') + 1);
  const tmp = mkdtempSync(join(tmpdir(), 'aml-monitor-'));
  const outcomes: Record<string, SignalOutcome> = {};
  try {
    for (const [signal, s] of Object.entries(isObject(def.signals) ? def.signals : {})) {
      try {
        outcomes[signal] = isObject(s) ? await runSignal(deps, state, wsId, s, now, tmp) : { type: 'unknown', computed: false, breached: false, rows: [] };
      } catch (e) {
        outcomes[signal] = { type: String((s as Json)?.signalType), computed: false, breached: false, rows: [], note: (e as Error).message };
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const breach = breachText(outcomes);
  const status = breach ? 'Failed' : 'Completed';
  const stamp = new Date(now).toISOString();
  const jobName = `${name.slice(0, 200)}-${stamp.replace(/[^0-9]/g, '').slice(0, 14)}-${Math.random().toString(36).slice(2, 8)}`;
  const id = `${wsId}/jobs/${jobName}`;
  await deps.store.update((s) => {
    commandJobs(s).jobs[id.toLowerCase()] = {
      name: jobName,
      id,
      properties: {
        jobType: 'Pipeline',
        displayName: `${name} monitor run`,
        experimentName: name,
        properties: { 'azureml.modelmonitor.schedule': name, 'azureml.modelmonitor.signals': Object.keys(outcomes).join(',') },
      },
      tags: breach ? { [BREACH_TAG]: breach } : {},
      status,
      createdAt: stamp,
      createdBy: 'model-monitor',
      startedAt: stamp,
      endedAt: stamp,
      ...(breach ? { error: { code: 'UserError', message: breach.slice(0, 1000) } } : {}),
      spec: { command: '', environmentVariables: {}, inputs: [], outputs: [] },
    };
  });
  // The run's status change, as the workspace publishes it to Event Grid (tags and properties as on the run).
  const runTags = breach ? { [BREACH_TAG]: breach } : {};
  const runProperties = { 'azureml.modelmonitor.schedule': name };
  const events = deps.events
    ? await publishWorkspaceEvent(deps.events, wsId, 'Microsoft.MachineLearningServices.RunStatusChanged', `experiments/${name}/runs/${jobName}`, {
        experimentId: name,
        experimentName: name,
        runId: jobName,
        runType: 'azureml.PipelineRun',
        runTags,
        runProperties,
        runStatus: status,
      })
    : [];
  return json(200, { jobName, status, signals: outcomes, events });
}

export async function handleMonitorControl(deps: MonitorRunDeps, method: string, url: URL): Promise<Reply | undefined> {
  const m = ROUTE.exec(url.pathname.replace(/\/+$/, ''));
  if (!m) return undefined;
  if (method !== 'POST') return json(405, { error: { code: 'MethodNotAllowed', message: 'POST runs the monitor.' } });
  const [, sub, rg, ws, schedule] = m.map((x) => decodeURIComponent(x ?? ''));
  return runMonitor(deps, `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}/schedules/${schedule}`);
}
