/**
 * What online endpoints and deployments keep beside their resources, in the shared ARM state document (under
 * `online`, so state/model.ts need not know): quota limits, injected deployment failures, deployment logs, and the
 * scoring starts that deployment operations wait for.
 */
import type { JobClaim } from '../state/job-worker';
import { randomUUID } from 'node:crypto';
import type { ArmState } from '../state/model';
import type { DeploymentSpec } from '../scoring/records';

/** The failure classes a Kubernetes deployment reports (they never hit a managed deployment). */
export const KUBERNETES_FAILURE_KINDS = ['ImagePullLoopBackOff', 'DeploymentCrashLoopBackOff', 'PodUnschedulable'] as const;
export const FAILURE_KINDS = ['ImageBuildFailure', 'OutOfQuota', 'CrashLoop', 'LivenessProbeFailure', 'ReadinessProbeFailure', ...KUBERNETES_FAILURE_KINDS] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];
export type KubernetesFailureKind = (typeof KUBERNETES_FAILURE_KINDS)[number];

export function isKubernetesFailure(kind: FailureKind): kind is KubernetesFailureKind {
  return (KUBERNETES_FAILURE_KINDS as readonly string[]).includes(kind);
}

/** An injected failure for deployment create/update operations (set from the control surface). */
export interface DeploymentFailureSpec {
  kind: FailureKind;
  /** Deployment name (case-insensitive); absent = the next deployment operations, whatever their name. */
  deployment?: string;
  /** Endpoint name (case-insensitive); absent = any endpoint. */
  endpoint?: string;
  /** Operations left to fail; absent = every matching one (default 1 when `deployment` is absent). */
  times?: number;
  /** Replaces the service's message. */
  message?: string;
  /** Replaces the logs getLogs returns for the failed deployment. */
  logs?: { storageInitializer?: string; inferenceServer?: string };
}

export interface DeploymentFailure extends DeploymentFailureSpec {
  id: string;
}

export interface DeploymentLogs {
  storageInitializer: string;
  inferenceServer: string;
  /**
   * The deployment's scoring process came up: getLogs answers InferenceServer from its live log file
   * (scoring/logs.ts), `inferenceServer` being what it held when the start ended.
   */
  live?: true;
}

/**
 * A deployment version to start in a scoring process. Written with its operation (held open); an emulator process
 * claims it, starts the process and only then lets the operation end (see deployment-starter.ts).
 */
export interface StartJob {
  opId: string;
  deploymentId: string;
  spec: DeploymentSpec;
  /** How long the operation lasts at least (the configured operation time). */
  durationMs: number;
  /** The emulator process carrying the job out (`nonce` tells apart several emulators in one process). */
  claim?: JobClaim;
}

/** How long a deployment operation waits for a process to start its scoring process; it then ends as the start ends. */
export const START_HOLD_MS = 60 * 60 * 1000;

export interface OnlineExtension {
  /** vCPU limits: location (lower-case, or `*`) → family (lower-case, or `total`) → limit. */
  quota: Record<string, Record<string, number>>;
  failures: DeploymentFailure[];
  /** Keyed by lower-case deployment id. */
  logs: Record<string, DeploymentLogs>;
  /** Scoring starts to carry out, by operation id. */
  starts: Record<string, StartJob>;
}

/** The `online` part of the state, created empty when absent (on a read copy nothing is saved). */
export function online(state: ArmState): OnlineExtension {
  const s = state as ArmState & { online?: OnlineExtension };
  s.online ??= { quota: {}, failures: [], logs: {}, starts: {} };
  s.online.quota ??= {};
  s.online.failures ??= [];
  s.online.logs ??= {};
  s.online.starts ??= {};
  return s.online;
}

export function peekOnline(state: Readonly<ArmState>): OnlineExtension | undefined {
  return (state as ArmState & { online?: OnlineExtension }).online;
}

export function addFailure(state: ArmState, spec: DeploymentFailureSpec): DeploymentFailure {
  const f: DeploymentFailure = { ...spec, id: randomUUID() };
  if (f.times === undefined && !f.deployment) f.times = 1;
  online(state).failures.push(f);
  return f;
}

/** The failure that applies to this deployment operation, counted down (Kubernetes classes only for a Kubernetes deployment). */
export function takeDeploymentFailure(state: ArmState, endpoint: string, deployment: string, kubernetes = false): DeploymentFailure | undefined {
  const list = online(state).failures;
  const i = list.findIndex(
    (f) =>
      (!f.deployment || f.deployment.toLowerCase() === deployment.toLowerCase()) &&
      (!f.endpoint || f.endpoint.toLowerCase() === endpoint.toLowerCase()) &&
      (kubernetes || !isKubernetesFailure(f.kind)),
  );
  if (i < 0) return undefined;
  const f = list[i];
  if (f.times !== undefined) {
    if (f.times <= 1) list.splice(i, 1);
    else list[i] = { ...f, times: f.times - 1 };
  }
  return f;
}

/** Replaces (parts of) a deployment's logs; they are live only when `logs` says so (a later set ends it). */
export function setLogs(state: ArmState, deploymentId: string, logs: Partial<DeploymentLogs>): void {
  const all = online(state).logs;
  const k = deploymentId.toLowerCase();
  const prev: Partial<DeploymentLogs> = all[k] ?? {};
  const next: DeploymentLogs = { storageInitializer: '', inferenceServer: '', ...prev, ...logs };
  if (!logs.live) delete next.live;
  all[k] = next;
}
