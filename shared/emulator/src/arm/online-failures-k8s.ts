/**
 * How a Kubernetes online deployment fails, as the service reports it for the classes that only Kubernetes has
 * (the troubleshooting guide's ImagePullLoopBackOff, DeploymentCrashLoopBackOff and PodUnschedulable): the
 * operation's error and the container logs getLogs returns afterwards (the kubelet's word for a container that
 * never started).
 */
import { randomBytes } from 'node:crypto';
import type { OperationError } from '../lro/operation';
import type { DeploymentLogs, KubernetesFailureKind } from './online-state';
import type { DeploymentContext } from './online-failures';
import { crashLog, stamp, storageInitializerLog } from './online-failures';

const TSG = 'Please see troubleshooting guide, available here: https://aka.ms/oe-tsg';

function podName(ctx: DeploymentContext): string {
  return `${ctx.deployment}-${randomBytes(5).toString('hex').slice(0, 9)}-${randomBytes(3).toString('hex').slice(0, 5)}`;
}

function waiting(ctx: DeploymentContext, pod: string, container: string, reason: string): string {
  return `${stamp(ctx.now, 0)} | container "${container}" in pod "${pod}" is waiting to start: ${reason}`;
}

export function kubernetesFailure(kind: KubernetesFailureKind, ctx: DeploymentContext): { error: OperationError; logs: DeploymentLogs } {
  const pod = podName(ctx);
  const nodes = ctx.kubernetes?.nodes ?? 3;
  switch (kind) {
    case 'ImagePullLoopBackOff': {
      const image = `${ctx.kubernetes?.registry ?? 'acrworkspace'}.azurecr.io/azureml/azureml_${randomBytes(16).toString('hex')}`;
      return {
        error: {
          code: 'ImagePullLoopBackOff',
          message:
            `The deployment's container image could not be pulled (Back-off pulling image "${image}"). Check that the image exists and that ` +
            `the cluster can reach and authenticate to its container registry. ${TSG}#error-imagepullloopbackoff`,
        },
        logs: {
          storageInitializer: storageInitializerLog(ctx),
          inferenceServer: [
            waiting(ctx, pod, 'inference-server', 'trying and failing to pull image'),
            `${stamp(ctx.now, 30000)} | Back-off pulling image "${image}": rpc error: code = Unknown desc = failed to pull and unpack image: 401 Unauthorized`,
          ].join('\n'),
        },
      };
    }
    case 'DeploymentCrashLoopBackOff':
      return {
        error: {
          code: 'DeploymentCrashLoopBackOff',
          message:
            "The deployment's container crashed and was restarted repeatedly (CrashLoopBackOff): the scoring script's init() failed. " +
            `Get the container logs (getLogs) to see why. ${TSG}#error-deploymentcrashloopbackoff`,
        },
        logs: { storageInitializer: storageInitializerLog(ctx), inferenceServer: crashLog(ctx) },
      };
    case 'PodUnschedulable': {
      const why = `0/${nodes} nodes are available: ${nodes} Insufficient cpu, ${nodes} Insufficient memory. preemption: 0/${nodes} nodes are available: ${nodes} No preemption victims found for incoming pod.`;
      const pending = `${stamp(ctx.now, 0)} | pod "${pod}" is Pending and not scheduled to a node (${why}); no container has started`;
      return {
        error: {
          code: 'PodUnschedulable',
          message:
            `Pod unschedulable: ${why} Lower the resource requests of the instance type '${ctx.instanceType}' or add nodes to the cluster` +
            `${ctx.kubernetes ? ` '${ctx.kubernetes.cluster}'` : ''}. ${TSG}#error-podunschedulable`,
        },
        logs: { storageInitializer: pending, inferenceServer: pending },
      };
    }
  }
}
