/**
 * The rollout inputs of `deploy-online`, checked before anything is written; every error names its input.
 *
 * | input            | syntax                                           | default                                  |
 * |------------------|--------------------------------------------------|------------------------------------------|
 * | strategy         | replace, blue-green, canary, stage               | see resolveKind (plan.ts)                |
 * | deployment-name  | a deployment name, or `auto`                     | auto                                     |
 * | deployment-names | the pair `auto` picks from: `blue,green`         | blue,green                               |
 * | traffic-steps    | increasing whole percents ending at 100          | canary: 10,50,100                        |
 * | mirror-percent   | 0..50 (0: no mirror phase)                       | 0                                        |
 * | bake-time        | a duration (the step parses it)                  | 5 minutes                                |
 * | check-interval   | a duration, at most bake-time                    | 1 minute (bake-time when shorter)        |
 * | analysis         | rules, see analysis-rules.ts                     | none (bakes only wait)                   |
 * | failure-limit    | failed checks a bake tolerates, 0..100           | 1                                        |
 * | on-success       | keep, delete, scale-down, scale-down:N           | keep                                     |
 * | on-failure       | keep, delete                                     | keep                                     |
 *
 * Durations reach this module as milliseconds: the step reads them with its `durationMs` input reader (which
 * names the input in its errors).
 */
import { inputError } from '../core/errors';
import { parseAnalysisRules, type AnalysisRule } from './analysis-rules';

/** stage: create or update the deployment and check it at 0%, then stop (a later blue-green or canary promotes it). */
export const STRATEGIES = ['replace', 'blue-green', 'canary', 'stage'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export type OnSuccess = { action: 'keep' } | { action: 'delete' } | { action: 'scale-down'; instances: number };
export type OnFailure = 'keep' | 'delete';

export type DeploymentChoice = { kind: 'auto'; pair: readonly [string, string] } | { kind: 'named'; name: string };

export interface RawRolloutInputs {
  strategy?: string;
  'deployment-name'?: string;
  'deployment-names'?: string;
  'traffic-steps'?: string;
  'mirror-percent'?: string;
  analysis?: string;
  'failure-limit'?: string;
  'on-success'?: string;
  'on-failure'?: string;
  /** bake-time, already parsed */
  bakeTimeMs?: number;
  /** check-interval, already parsed */
  checkIntervalMs?: number;
}

export interface RolloutChoices {
  /** undefined: chosen from the endpoint's state (plan.ts resolveStrategy) */
  strategy?: Strategy;
  deployment: DeploymentChoice;
  /** Given by the user; undefined for the strategy's default */
  trafficSteps?: number[];
  mirrorPercent: number;
  bakeMs: number;
  checkIntervalMs: number;
  rules: AnalysisRule[];
  failureLimit: number;
  onSuccess: OnSuccess;
  onFailure: OnFailure;
}

export const DEFAULT_PAIR = ['blue', 'green'] as const;
export const DEFAULT_CANARY_STEPS = [10, 50, 100];
export const DEFAULT_BAKE_MS = 5 * 60_000;
export const DEFAULT_CHECK_INTERVAL_MS = 60_000;
export const DEFAULT_FAILURE_LIMIT = 1;
export const DEFAULT_SCALE_DOWN_INSTANCES = 1;

/** Online deployment names: 3-32 letters, digits and '-', starting with a letter (Azure ML's rule). */
export const DEPLOYMENT_NAME = /^[A-Za-z][A-Za-z0-9-]{2,31}$/;

const blank = (v: string | undefined): v is undefined => v === undefined || v.trim() === '';

function wholeNumber(input: string, value: string, min: number, max: number): number {
  const v = value.trim();
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw inputError(`Input '${input}' must be a whole number from ${min} to ${max}, got '${value}'.`, { input });
  }
  return Number(v);
}

export function parseStrategy(value: string | undefined, input = 'strategy'): Strategy | undefined {
  if (blank(value)) return undefined;
  const v = value.trim().toLowerCase();
  const match = STRATEGIES.find((s) => s === v || s.replace('-', '') === v.replace(/[-_ ]/g, ''));
  if (!match) throw inputError(`Input '${input}' must be one of ${STRATEGIES.join(', ')}; got '${value}'.`, { input });
  return match;
}

export function checkDeploymentName(value: string, input: string): string {
  if (!DEPLOYMENT_NAME.test(value)) {
    throw inputError(`Input '${input}' is not a valid deployment name: '${value}' (3-32 letters, digits and '-', starting with a letter).`, {
      input,
    });
  }
  return value;
}

export function parseDeploymentChoice(name: string | undefined, pairText: string | undefined): DeploymentChoice {
  let pair: readonly [string, string] = DEFAULT_PAIR;
  if (!blank(pairText)) {
    const parts = pairText.split(/[,\s]+/).filter((p) => p !== '');
    if (parts.length !== 2 || parts[0]!.toLowerCase() === parts[1]!.toLowerCase()) {
      throw inputError(`Input 'deployment-names' must be two different deployment names such as 'blue,green'; got '${pairText}'.`, {
        input: 'deployment-names',
      });
    }
    pair = [checkDeploymentName(parts[0]!, 'deployment-names'), checkDeploymentName(parts[1]!, 'deployment-names')];
  }
  if (blank(name) || name.trim().toLowerCase() === 'auto') return { kind: 'auto', pair };
  return { kind: 'named', name: checkDeploymentName(name.trim(), 'deployment-name') };
}

export function parseTrafficSteps(value: string | undefined, input = 'traffic-steps'): number[] | undefined {
  if (blank(value)) return undefined;
  const parts = value.split(/[,\s]+/).filter((p) => p !== '');
  const fail = (why: string): never => {
    throw inputError(`Input '${input}' ${why}; got '${value}'.`, { input, hint: "Write increasing percents ending at 100, e.g. '10,25,50,100'." });
  };
  const steps = parts.map((p) => {
    const n = /^\d+%?$/.test(p) ? Number(p.replace('%', '')) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 100) fail(`must list whole percents from 1 to 100 ('${p}' is not one)`);
    return n;
  });
  steps.forEach((n, i) => {
    if (i > 0 && n <= steps[i - 1]!) fail(`must increase step by step (${steps[i - 1]} then ${n})`);
  });
  if (steps[steps.length - 1] !== 100) fail('must end at 100 (the new deployment takes all traffic last)');
  return steps;
}

export function parseMirrorPercent(value: string | undefined, input = 'mirror-percent'): number {
  return blank(value) ? 0 : wholeNumber(input, value, 0, 50);
}

export function parseFailureLimit(value: string | undefined, input = 'failure-limit'): number {
  return blank(value) ? DEFAULT_FAILURE_LIMIT : wholeNumber(input, value, 0, 100);
}

export function parseOnSuccess(value: string | undefined, input = 'on-success'): OnSuccess {
  if (blank(value)) return { action: 'keep' };
  const v = value.trim().toLowerCase();
  if (v === 'keep' || v === 'delete') return { action: v };
  const m = /^scale-down(?:\s*:\s*(\S+))?$/.exec(v);
  if (m) return { action: 'scale-down', instances: m[1] === undefined ? DEFAULT_SCALE_DOWN_INSTANCES : wholeNumber(input, m[1], 1, 1000) };
  throw inputError(`Input '${input}' must be keep, delete, scale-down or scale-down:<instances>; got '${value}'.`, {
    input,
    hint: "'scale-down:1' leaves the previous deployment running on one instance, ready to take traffic back.",
  });
}

export function parseOnFailure(value: string | undefined, input = 'on-failure'): OnFailure {
  if (blank(value)) return 'keep';
  const v = value.trim().toLowerCase();
  if (v === 'keep' || v === 'delete') return v;
  throw inputError(`Input '${input}' must be keep or delete; got '${value}'.`, { input });
}

function durations(raw: RawRolloutInputs): { bakeMs: number; checkIntervalMs: number } {
  const bakeMs = raw.bakeTimeMs ?? DEFAULT_BAKE_MS;
  if (!(bakeMs >= 0) || !Number.isFinite(bakeMs)) throw inputError(`Input 'bake-time' must be a duration, got ${bakeMs} ms.`, { input: 'bake-time' });
  const interval = raw.checkIntervalMs ?? Math.min(DEFAULT_CHECK_INTERVAL_MS, bakeMs);
  if (bakeMs > 0 && !(interval > 0 && interval <= bakeMs)) {
    throw inputError(`Input 'check-interval' must be longer than zero and at most 'bake-time'.`, { input: 'check-interval' });
  }
  return { bakeMs, checkIntervalMs: interval };
}

/** All rollout inputs; combinations that cannot work are errors too. */
export function parseRolloutInputs(raw: RawRolloutInputs): RolloutChoices {
  const strategy = parseStrategy(raw.strategy);
  const trafficSteps = parseTrafficSteps(raw['traffic-steps']);
  const mirrorPercent = parseMirrorPercent(raw['mirror-percent']);
  if (trafficSteps && (strategy === 'blue-green' || strategy === 'replace' || strategy === 'stage')) {
    throw inputError(`Input 'traffic-steps' applies to strategy canary, not ${strategy}.`, {
      input: 'traffic-steps',
      hint: "Remove 'traffic-steps', or set 'strategy: canary'.",
    });
  }
  if (mirrorPercent > 0 && strategy === 'replace') {
    throw inputError(`Input 'mirror-percent' needs a second deployment: strategy replace updates the live one in place.`, { input: 'mirror-percent' });
  }
  if (mirrorPercent > 0 && strategy === 'stage') {
    throw inputError(`Input 'mirror-percent' applies when traffic moves: strategy stage leaves the traffic and mirror maps as they are.`, {
      input: 'mirror-percent',
      hint: "Remove 'mirror-percent' here, and give it to the blue-green or canary run that promotes the staged deployment.",
    });
  }
  const rules = parseAnalysisRules(raw.analysis ?? '', 'analysis');
  return {
    ...(strategy ? { strategy } : {}),
    deployment: parseDeploymentChoice(raw['deployment-name'], raw['deployment-names']),
    ...(trafficSteps ? { trafficSteps } : {}),
    mirrorPercent,
    ...durations(raw),
    rules,
    failureLimit: parseFailureLimit(raw['failure-limit']),
    onSuccess: parseOnSuccess(raw['on-success']),
    onFailure: parseOnFailure(raw['on-failure']),
  };
}
