/**
 * How a managed online deployment fails, as the service reports it: the operation's error (code + message, with the
 * troubleshooting link the service appends) and the container logs getLogs returns afterwards. Also the logs of a
 * deployment that came up. The Kubernetes-only classes: online-failures-k8s.ts.
 */
import { randomBytes } from 'node:crypto';
import type { OperationError } from '../lro/operation';
import type { DeploymentFailure, DeploymentLogs } from './online-state';
import { kubernetesFailure } from './online-failures-k8s';

const TSG = 'Please see troubleshooting guide, available here: https://aka.ms/oe-tsg';

export interface DeploymentContext {
  endpoint: string;
  deployment: string;
  /** e.g. `stamlwdemo` */
  storageAccount: string;
  model?: string;
  instanceType: string;
  now: number;
  /** For a Kubernetes deployment: its cluster's name and node count, and the workspace's container registry name. */
  kubernetes?: { cluster: string; nodes: number; registry?: string };
}

export function stamp(now: number, offsetMs: number): string {
  return new Date(now + offsetMs).toISOString().replace('T', ' ').replace('Z', '');
}

function modelLabel(model?: string): string {
  const m = model ? /models\/([^/]+)\/versions\/([^/]+)$/i.exec(model) : null;
  return m ? `${m[1]}:${m[2]}` : 'model';
}

export function storageInitializerLog(ctx: DeploymentContext): string {
  const m = modelLabel(ctx.model);
  return [
    `${stamp(ctx.now, 0)} | INFO | Starting storage initializer for deployment '${ctx.deployment}'`,
    `${stamp(ctx.now, 120)} | INFO | Resolving model asset ${m}`,
    `${stamp(ctx.now, 900)} | INFO | Downloading model to /var/azureml-app/azureml-models/${m.replace(':', '/')}`,
    `${stamp(ctx.now, 2100)} | INFO | Download complete`,
    `${stamp(ctx.now, 2150)} | INFO | Storage initializer finished successfully`,
  ].join('\n');
}

function serverBanner(ctx: DeploymentContext, offset: number): string[] {
  return [
    `${stamp(ctx.now, offset)} | INFO | Azure ML Inferencing HTTP server v1.3.2`,
    `${stamp(ctx.now, offset + 10)} | INFO | Server Settings: Entry Script Name: /var/azureml-app/score.py, Model Directory: /var/azureml-app/azureml-models`,
    `${stamp(ctx.now, offset + 20)} | INFO | Server Routes: Liveness Probe: GET 127.0.0.1:31311/, Score: POST 127.0.0.1:31311/score`,
    `${stamp(ctx.now, offset + 30)} | INFO | Starting gunicorn 22.0.0`,
    `${stamp(ctx.now, offset + 40)} | INFO | Listening at: http://0.0.0.0:31311`,
  ];
}

export function inferenceServerLog(ctx: DeploymentContext): string {
  return [
    ...serverBanner(ctx, 5000),
    `${stamp(ctx.now, 5200)} | INFO | Users's init has completed successfully`,
    `${stamp(ctx.now, 5300)} | INFO | Scoring timeout is set to 5000 ms`,
    `${stamp(ctx.now, 9000)} | INFO | 200 | GET /`,
  ].join('\n');
}

export function successLogs(ctx: DeploymentContext): DeploymentLogs {
  return { storageInitializer: storageInitializerLog(ctx), inferenceServer: inferenceServerLog(ctx) };
}

export function crashLog(ctx: DeploymentContext): string {
  return [
    ...serverBanner(ctx, 5000),
    `${stamp(ctx.now, 5100)} | ERROR | User's init function failed`,
    `${stamp(ctx.now, 5100)} | ERROR | Encountered Exception Traceback (most recent call last):`,
    '  File "/opt/miniconda/envs/userenv/lib/python3.10/site-packages/azureml_inference_server_http/server/user_script.py", line 117, in invoke_init',
    '    self._user_init()',
    '  File "/var/azureml-app/score.py", line 12, in init',
    '    model = joblib.load(model_path)',
    "FileNotFoundError: [Errno 2] No such file or directory: '/var/azureml-app/azureml-models/model.pkl'",
    `${stamp(ctx.now, 5110)} | ERROR | Worker exiting (pid: 42)`,
    `${stamp(ctx.now, 5200)} | INFO | Shutting down: Master`,
    `${stamp(ctx.now, 5200)} | INFO | Reason: Worker failed to boot.`,
  ].join('\n');
}

function probeLog(ctx: DeploymentContext, probe: 'liveness' | 'readiness'): string {
  const lines = [...serverBanner(ctx, 5000), `${stamp(ctx.now, 5200)} | INFO | Users's init has completed successfully`];
  for (let i = 0; i < 3; i++) {
    lines.push(`${stamp(ctx.now, 15000 + i * 10000)} | WARNING | GET / took longer than the probe timeout (2000 ms)`);
    lines.push(`${stamp(ctx.now, 15010 + i * 10000)} | INFO | ${probe === 'liveness' ? 502 : 503} | GET /`);
  }
  return lines.join('\n');
}

export interface PlannedFailure {
  error: OperationError;
  logs: DeploymentLogs;
}

/** The operation error and logs for an injected failure. */
export function plannedFailure(f: DeploymentFailure, ctx: DeploymentContext, quotaMessage?: string): PlannedFailure {
  let error: OperationError;
  let logs: DeploymentLogs;
  const storage = storageInitializerLog(ctx);
  switch (f.kind) {
    case 'ImageBuildFailure': {
      const imageId = randomBytes(16).toString('hex');
      error = {
        code: 'ImageBuildFailure',
        message:
          `Image build failed. Please check the build log for more information: https://${ctx.storageAccount}.blob.core.windows.net/azureml/ImageLogs/${imageId}/build.log. ` +
          `${TSG}#error-imagebuildfailure`,
      };
      logs = { storageInitializer: '', inferenceServer: '' };
      break;
    }
    case 'OutOfQuota':
      error = {
        code: 'OutOfQuota',
        message:
          quotaMessage ??
          `Not enough quota available for ${ctx.instanceType} in SubscriptionId. Current usage/limit: 0/0. Additional needed: 8 ${TSG}#error-outofquota`,
      };
      logs = { storageInitializer: '', inferenceServer: '' };
      break;
    case 'CrashLoop':
      error = { code: 'ResourceNotReady', message: `User container has crashed or terminated. ${TSG}#error-resourcenotready` };
      logs = { storageInitializer: storage, inferenceServer: crashLog(ctx) };
      break;
    case 'LivenessProbeFailure':
      error = {
        code: 'ResourceNotReady',
        message: `User container has crashed or terminated: Liveness probe failed: HTTP probe failed with statuscode: 502. ${TSG}#error-resourcenotready`,
      };
      logs = { storageInitializer: storage, inferenceServer: probeLog(ctx, 'liveness') };
      break;
    case 'ReadinessProbeFailure':
      error = {
        code: 'ResourceNotReady',
        message: `User container is not ready: Readiness probe failed: HTTP probe failed with statuscode: 503. ${TSG}#error-resourcenotready`,
      };
      logs = { storageInitializer: storage, inferenceServer: probeLog(ctx, 'readiness') };
      break;
    case 'ImagePullLoopBackOff':
    case 'DeploymentCrashLoopBackOff':
    case 'PodUnschedulable':
      ({ error, logs } = kubernetesFailure(f.kind, ctx));
      break;
  }
  if (f.message) error = { ...error, message: f.message };
  if (f.logs) logs = { ...logs, ...f.logs };
  return { error, logs };
}

export function quotaFailure(error: { code: string; message: string }): PlannedFailure {
  return { error, logs: { storageInitializer: '', inferenceServer: '' } };
}

/** Last `tail` lines of a log (all when tail is absent). */
export function tailLines(text: string, tail: unknown): string {
  if (typeof tail !== 'number' || !Number.isInteger(tail) || tail < 0) return text;
  if (tail === 0) return '';
  const lines = text.split('\n');
  return lines.slice(Math.max(0, lines.length - tail)).join('\n');
}

