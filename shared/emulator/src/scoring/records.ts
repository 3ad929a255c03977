/**
 * What a running deployment leaves in the state directory, so every emulator process on that directory can
 * route to it, read its logs and clean up after a dead owner:
 *   <stateDir>/scoring/deployments/<endpoint>.<deployment>.<hash>/runtime.json   (this record)
 *   .../inference-server.log, storage-initializer.log (+ .1: the previous part)    (bounded logs, scoring/logs.ts)
 *   .../versions/<v>/model/, .../versions/<v>/code/                                 (materialized files)
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { forgetStat, statThisTurn } from '../state/turn-stat';

/** A blob folder (or single blob) in an emulated storage account. */
export interface BlobSource {
  account: string;
  container: string;
  path: string;
}

/** Files come from a local folder (tests, local runs) or a blob folder in Azurite. */
export type FileSource = string | { local: string } | { blob: BlobSource };

export interface DeploymentSpec {
  /** ARM id of the deployment: .../workspaces/{w}/onlineEndpoints/{e}/deployments/{d}. */
  id: string;
  /** The folder holding the scoring script (codeConfiguration's code asset). */
  code: FileSource;
  /** Path of the scoring script inside `code` (codeConfiguration.scoringScript). */
  scoringScript: string;
  /** The model files; AZUREML_MODEL_DIR points at their folder. */
  model?: FileSource;
  /**
   * Lay a blob folder model out as Azure ML v2 does: its files under $AZUREML_MODEL_DIR/<folder name>/ (a single
   * file model stays directly in $AZUREML_MODEL_DIR). Default false: the files directly in it (local test folders).
   */
  nestModelFolder?: boolean;
  environmentVariables?: Record<string, string>;
  /** Harness processes to run (sku.capacity / instanceCount); default 1. */
  instanceCount?: number;
  /** requestSettings.requestTimeout in ms; default 5000. */
  requestTimeoutMs?: number;
  /** requestSettings.maxConcurrentRequestsPerInstance; default 1 (the service answers 429 beyond 2 × this × instances). */
  maxConcurrentRequestsPerInstance?: number;
  /** How long init() may take before the start counts as failed; default 120000. */
  startupTimeoutMs?: number;
  /** Enabled data collections (dataCollector) and the blob folder each writes to (scoring/collector.ts). */
  collections?: Record<string, BlobSource>;
}

export interface InstanceRecord {
  instanceId: string;
  pid: number;
  port: number;
}

export interface RuntimeRecord {
  id: string;
  status: 'starting' | 'running' | 'failed' | 'stopped';
  /** The emulator process that started (and will stop) the harness processes. */
  ownerPid: number;
  startedAt: number;
  instances: InstanceRecord[];
  requestTimeoutMs: number;
  maxConcurrentRequestsPerInstance: number;
  /** The folder (under versions/) of the files the running processes use. */
  version?: string;
  /** The spec as given, so a restarted emulator can bring the deployment back. */
  spec: DeploymentSpec;
  error?: { code: string; message: string };
}

export function scoringRoot(stateDir: string): string {
  return join(stateDir, 'scoring');
}

/** Endpoint and deployment names of a deployment id. */
export function deploymentNames(id: string): { endpoint: string; deployment: string; endpointId: string } {
  const m = /^(.*\/onlineEndpoints\/([^/]+))\/deployments\/([^/]+)$/i.exec(id);
  if (!m) throw new Error(`'${id}' is not an online deployment id (…/onlineEndpoints/{endpoint}/deployments/{deployment}).`);
  return { endpointId: m[1], endpoint: m[2], deployment: m[3] };
}

/** Folders by state dir and id (the request path asks for one per scoring request). */
const dirs = new Map<string, string>();

export function deploymentDir(stateDir: string, id: string): string {
  const k = `${stateDir}\0${id}`;
  const known = dirs.get(k);
  if (known) return known;
  const { endpoint, deployment } = deploymentNames(id);
  const hash = createHash('sha256').update(id.toLowerCase()).digest('hex').slice(0, 10);
  const dir = join(scoringRoot(stateDir), 'deployments', `${endpoint.toLowerCase()}.${deployment.toLowerCase()}.${hash}`);
  if (dirs.size >= 1024) dirs.delete(dirs.keys().next().value!);
  dirs.set(k, dir);
  return dir;
}

const RECORD = 'runtime.json';

/** Parsed records by file, valid while the file (written by rename, so a new inode) has not changed. */
const recordCache = new Map<string, { ino: number; mtimeMs: number; size: number; rec: RuntimeRecord }>();

/**
 * readRecord for the request path (the data plane reads a deployment's record per scoring request): a stat
 * instead of a read and parse when the record has not changed. The record returned is shared: read it only.
 * `startingRequest`: the stat may be shared with the requests this turn starts (as JsonStore.peek).
 */
export function peekRecord(stateDir: string, id: string, startingRequest = false): Readonly<RuntimeRecord> | undefined {
  const file = join(deploymentDir(stateDir, id), RECORD);
  const st = startingRequest ? statThisTurn(file) : statSync(file, { throwIfNoEntry: false });
  if (!st) {
    recordCache.delete(file);
    return undefined;
  }
  const hit = recordCache.get(file);
  if (hit && hit.ino === st.ino && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.rec;
  const rec = readRecord(stateDir, id);
  if (rec) recordCache.set(file, { ino: st.ino, mtimeMs: st.mtimeMs, size: st.size, rec });
  if (recordCache.size > 512) recordCache.delete(recordCache.keys().next().value!);
  return rec;
}

export function readRecord(stateDir: string, id: string): RuntimeRecord | undefined {
  const file = join(deploymentDir(stateDir, id), RECORD);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RuntimeRecord;
  } catch {
    return undefined;
  }
}

export function writeRecord(stateDir: string, rec: RuntimeRecord): void {
  const dir = deploymentDir(stateDir, rec.id);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `${RECORD}.${randomBytes(4).toString('hex')}.tmp`);
  writeFileSync(tmp, JSON.stringify(rec, null, 1));
  renameSync(tmp, join(dir, RECORD));
  forgetStat(join(dir, RECORD));
}

export function allRecords(stateDir: string): RuntimeRecord[] {
  const root = join(scoringRoot(stateDir), 'deployments');
  if (!existsSync(root)) return [];
  const out: RuntimeRecord[] = [];
  for (const d of readdirSync(root)) {
    const file = join(root, d, RECORD);
    if (!existsSync(file)) continue;
    try {
      out.push(JSON.parse(readFileSync(file, 'utf8')) as RuntimeRecord);
    } catch {
      // a half-written record of a crashed process: ignore
    }
  }
  return out;
}
