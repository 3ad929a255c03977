/**
 * What the rollout driver needs from the outside world, injected by the step (Azure ML client, Azure Monitor, the
 * probe) or by tests (an in-memory endpoint). Every call gets an AbortSignal and should stop when it fires; the
 * driver does not wait for a call that ignores it.
 */
import type { MetricsSource } from './metrics';
import type { TrafficMap } from './traffic';

export interface SmokeResult {
  passed: boolean;
  /** "3 of 3 requests as expected", or what went wrong */
  detail: string;
}

export interface RolloutPorts {
  /** PUT the endpoint with these `traffic` and `mirrorTraffic` maps (full maps: absent deployments get 0%). */
  setTraffic(traffic: TrafficMap, mirror: TrafficMap, signal: AbortSignal): Promise<void>;
  /** Create the deployment (at 0% traffic) or update it in place, and wait until it is provisioned. */
  createOrUpdateDeployment(deployment: string, signal: AbortSignal): Promise<void>;
  deleteDeployment(deployment: string, signal: AbortSignal): Promise<void>;
  /** Set the deployment's instance count (`sku.capacity`). */
  scaleDeployment(deployment: string, instances: number, signal: AbortSignal): Promise<void>;
  /** Send the probe's requests to the deployment directly (header `azureml-model-deployment`). */
  smoke(deployment: string, signal: AbortSignal): Promise<SmokeResult>;
  /** Measurements of the new deployment for analysis. */
  metrics: MetricsSource;
  /** Optional load during every bake (e.g. the probe runner); runs until its signal aborts. */
  load?(deployment: string, signal: AbortSignal): Promise<void>;
  /** Defaults: an abortable setTimeout sleep, and Date.now. Tests inject a fake clock. */
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
  now?(): number;
}
