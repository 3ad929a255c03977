/** What happened during a rollout, step by step, for the summary and the step's outputs. */
import type { CheckRecord } from './analysis';
import type { Maps, Phase, RolloutPlan } from './plan';
import type { StepError } from '../core/errors';
import type { TrafficMap } from './traffic';

export type StepVerdict = 'passed' | 'failed' | 'aborted' | 'restored' | 'not-restored' | 'deleted' | 'warning';

export interface TimelineEntry {
  step: string;
  kind: Phase['kind'] | 'restore' | 'delete-new';
  traffic: TrafficMap;
  mirror: TrafficMap;
  /** The checks of a bake, each rule's measured value against its threshold */
  checks: CheckRecord[];
  verdict: StepVerdict;
  detail?: string;
  startedAt: string;
  endedAt: string;
}

export type RolloutStatus =
  /** Every phase passed (cleanup problems are warnings) */
  | 'succeeded'
  /** A phase failed after traffic moved; the pre-rollout maps were restored */
  | 'rolled-back'
  /** A phase failed before any traffic moved (or strategy replace): nothing to restore */
  | 'failed'
  /** A phase failed and restoring the pre-rollout maps failed too: the endpoint needs a hand */
  | 'restore-failed';

export interface RolloutResult {
  status: RolloutStatus;
  plan: RolloutPlan;
  timeline: TimelineEntry[];
  /** The maps the endpoint is believed to have now */
  current: Maps;
  /** Why the rollout stopped (absent when it succeeded) */
  reason?: string;
  /** The step's error when it did not succeed */
  error?: StepError;
  warnings: string[];
}
