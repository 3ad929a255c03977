/**
 * When a deployment fails: the service's error code mapped to what it means and what to do, and the tails of the
 * storage-initializer and inference-server logs, so the summary says why instead of a bare OperationFailed.
 */
import type { AzureMlClient } from '../azureml/client';
import type { LogContainer } from '../azureml/online';
import { isStepError, type StepError } from '../core/errors';

export interface Triage {
  /** Short class of the failure, e.g. 'crash loop' */
  kind: string;
  code?: string;
  message: string;
  remedy: string;
  logs: { container: LogContainer; tail: string }[];
}

interface Rule {
  kind: string;
  test: (code: string, message: string) => boolean;
  remedy: string;
}

const RULES: Rule[] = [
  {
    kind: 'image build failure',
    test: (c) => /ImageBuildFailure/i.test(c),
    remedy: 'The environment image did not build: open the build log linked in the message, then fix the conda file or Dockerfile (package versions, channels) and rerun.',
  },
  // Kubernetes (Arc / AKS) classes first: their codes and messages are more specific than the managed ones below.
  {
    kind: 'image pull failure',
    test: (c, m) => /ImagePull|ErrImagePull|ACR(Secret|Auth|Token)/i.test(c) || /back-off pulling image|ImagePullBackOff/i.test(m),
    remedy: "The cluster could not pull the deployment's image: check that the cluster can reach the workspace's container registry (outbound network, private endpoints) and that the extension's identity has AcrPull on it; ACR token errors are often transient, so rerun once.",
  },
  {
    kind: 'pod unschedulable (insufficient resources)',
    test: (c, m) => /PodUnschedulable|PodPending/i.test(c) || /Kubernetes unschedulable|Insufficient (cpu|memory|nvidia)/i.test(m),
    remedy: "The cluster has no node with room for the deployment's pods: use a smaller instance type or instance-count, free capacity (delete deployments that take no traffic), add nodes, or check the instance type's node selector matches labelled nodes.",
  },
  {
    kind: 'pod out of memory',
    test: (c) => /PodOutOfMemory|OOMKilled/i.test(c),
    remedy: "The scoring container exceeded its memory limit: raise the instance type's memory limit, or load less into memory in init().",
  },
  {
    kind: 'crash loop',
    test: (c) => /DeploymentCrashLoopBackOff|KubernetesCrashLoopBackOff|UserScriptInitFailed|UserScriptImportError|UserScriptFunctionNotFound/i.test(c),
    remedy: 'The scoring container keeps exiting: the inference-server log below shows the traceback; usually init() raised (a missing file under AZUREML_MODEL_DIR, a missing package in the environment).',
  },
  {
    kind: 'namespace not found',
    test: (c) => /NamespaceNotFound/i.test(c),
    remedy: "The compute's namespace does not exist on the cluster: create it (kubectl create namespace <name>) or attach the compute with an existing namespace.",
  },
  {
    kind: 'cluster unreachable',
    test: (c) => /KubernetesUnaccessible|ScoringFeUnhealthy/i.test(c),
    remedy: 'The service cannot reach the cluster or its inference router: check the cluster is connected (Arc agents, AKS running) and the Azure ML extension is healthy, then rerun.',
  },
  {
    kind: 'out of quota',
    test: (c, m) => /OutOfQuota|QuotaExceeded/i.test(c) || /quota/i.test(m),
    remedy: 'Not enough vCPU quota for this VM family in the region: request more quota, use a smaller instance-type or instance-count, or delete unused deployments (blue and green both hold quota during a rollout).',
  },
  {
    kind: 'liveness probe failure',
    test: (_c, m) => /liveness probe failed/i.test(m),
    remedy: 'The container started but stopped answering its liveness probe: make init() finish sooner or raise liveness_probe.initial_delay, and check the inference-server log.',
  },
  {
    kind: 'readiness probe failure',
    test: (_c, m) => /readiness probe failed/i.test(m),
    remedy: 'The container never became ready: check that init() completes and the model loads (inference-server log), or raise readiness_probe.initial_delay / failure_threshold.',
  },
  {
    kind: 'crash loop',
    test: (c, m) => /ResourceNotReady/i.test(c) || /crash/i.test(m),
    remedy: 'The scoring container keeps exiting: the inference-server log below shows the traceback; usually init() raised (a missing file under AZUREML_MODEL_DIR, a missing package in the environment).',
  },
  {
    kind: 'bad argument',
    test: (c) => /BadArgument|BadRequest|UserError|Invalid/i.test(c),
    remedy: 'The service refused a value of the deployment: fix the field the message names (deployment-file, set or the single inputs) and rerun.',
  },
  {
    kind: 'cancelled',
    test: (c) => /OperationCanceled|Canceled/i.test(c),
    remedy: 'Another operation replaced this one (a concurrent deploy?): wait for it to finish, then rerun.',
  },
];

export function classifyDeploymentFailure(code: string | undefined, message: string): { kind: string; remedy: string } {
  const rule = RULES.find((r) => r.test(code ?? '', message));
  return rule ?? { kind: 'deployment failure', remedy: 'See the logs below and the message; rerun once the cause is fixed.' };
}

/** Reads the logs of a failed deployment (best effort: a log that cannot be read says so) and classifies it. */
export async function triageDeployment(
  client: AzureMlClient,
  where: { resourceGroup: string; workspace: string; endpoint: string; deployment: string },
  error: unknown,
  tail = 40,
): Promise<Triage> {
  const e = isStepError(error) ? (error as StepError) : undefined;
  const message = e?.message ?? String((error as Error)?.message ?? error);
  const code = e?.code;
  const { kind, remedy } = classifyDeploymentFailure(code, message);
  const logs: Triage['logs'] = [];
  for (const container of ['StorageInitializer', 'InferenceServer'] as const) {
    try {
      const text = await client.online.getLogs(where.resourceGroup, where.workspace, where.endpoint, where.deployment, container, tail);
      logs.push({ container, tail: text.trimEnd() });
    } catch (err) {
      logs.push({ container, tail: `(could not read the log: ${(err as Error).message})` });
    }
  }
  return { kind, code, message, remedy, logs };
}

/** Markdown for the summary: the class, the remedy, the log tails in fenced blocks. */
export function triageMarkdown(t: Triage): string {
  const fence = (s: string) => '```text\n' + (s.replace(/```/g, "'''") || '(empty)') + '\n```';
  return [
    `### Why the deployment failed: ${t.kind}`,
    '',
    `${t.code ? `**${t.code}**: ` : ''}${t.message}`,
    '',
    `**What to do:** ${t.remedy}`,
    '',
    ...t.logs.flatMap((l) => [`<details><summary>${l.container} log (tail)</summary>`, '', fence(l.tail), '', '</details>', '']),
  ].join('\n');
}
