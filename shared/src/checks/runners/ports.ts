/**
 * What the checks need of the world outside the files: a deployment to send requests to. The step binds it to the
 * endpoint's scoring URI and credential (key, AML token or Entra token, by the endpoint's auth mode); tests bind it to
 * a local server. Nothing here knows Azure.
 */
import type { LoadFigures } from '../load/slo-figures';
import type { LoadCheck, PolicyLocation } from '../policy/types';

export interface ScoreAnswer {
  /** 0 when no answer came */
  status: number;
  body: string;
  latencyMs: number;
  error?: string;
}

export interface DeploymentPort {
  /** The deployment under test (policy target, or the step's input) */
  target: string;
  /** The deployment the challenger is compared with: named, or the one holding the most live traffic */
  champion?: string;
  /** The endpoint's scoring URI (load checks send there directly) */
  scoringUri: string;
  /** The endpoint's key or token, cached and refreshed by the port */
  bearer: () => Promise<string>;
  score(deployment: string, body: string, headers?: Record<string, string>, timeoutMs?: number): Promise<ScoreAnswer>;
}

/** What a load service (Azure Load Testing) measured over a whole run: the SLOs are evaluated on its figures. */
export interface ServiceLoadRun {
  figures: LoadFigures;
  /** Shown with the outcome: the test run, its portal URL, the service's own verdict */
  facts: Record<string, string | number>;
}

/** Runs a load check whose engine is a service; the step binds it (shared/src/steps/staging-checks/load-service.ts). */
export interface LoadServicePort {
  run(check: LoadCheck, deployment: string, progress: (line: string) => void, signal: AbortSignal): Promise<ServiceLoadRun>;
}

export interface RunnerContext {
  /** Absent when no check needs a deployment (the step then does not sign in) */
  port?: DeploymentPort;
  /** Set when a load check runs on a service (`engine: azure-load-testing`) */
  loadService?: LoadServicePort;
  /** Local paths of the policy's datasets (remote ones already downloaded by the step) */
  datasetPath(name: string, at: PolicyLocation): string;
  /** One progress line ("rows read", "requests sent") */
  progress(line: string): void;
  /** Progress cadence (default 5 s) */
  progressEveryMs?: number;
  signal: AbortSignal;
}
