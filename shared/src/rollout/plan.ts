/**
 * The rollout plan: from the endpoint's live state and the user's choices, the ordered phases the driver runs.
 *
 * - first deploy (no deployment serves traffic yet, whatever the strategy): deploy at 0% → smoke → 100% → bake.
 * - replace: update the deployment that serves traffic in place → smoke → bake (no traffic moves, so there is
 *   nothing to roll back to: analysis only reports).
 * - blue-green: deploy the idle deployment at 0% → smoke → [mirror] → 100% → bake → cleanup.
 * - canary: the same with one traffic phase per `traffic-steps` entry, each baked.
 * - stage: deploy the idle deployment at 0% → smoke, and stop: the traffic and mirror maps stay as they are (also
 *   on an endpoint with no live traffic yet). A later blue-green or canary run promotes the staged deployment.
 *
 * A target that already runs the desired spec (`ready`, e.g. one staged before) is not written again: its deploy
 * phase only marks it as in use, and the rollout goes on with the smoke test and the traffic.
 *
 * The strategy, when not given, is canary when `traffic-steps` is given, else blue-green. Traffic not on the new
 * deployment stays on the deployments that served it before, in their proportions. Every phase's maps are ones
 * Azure accepts (sum 0 or 100; one mirrored deployment, never a live one). The plan depends only on traffic and
 * mirror maps (and `ready`), not on which idle deployments exist, so a rerun after a rollback plans the same rollout.
 */
import { StepError } from '../core/errors';
import type { AnalysisRule } from './analysis-rules';
import { pickDeploymentName } from './deployment-name';
import { DEFAULT_CANARY_STEPS, type OnFailure, type RolloutChoices, type Strategy } from './inputs';
import { formatMap, liveIn, mapProblems, normalizeMap, shiftTraffic, type EndpointState, type TrafficMap } from './traffic';

export type PlanKind = 'first-deploy' | Strategy;

export interface Maps {
  traffic: TrafficMap;
  mirror: TrafficMap;
}

interface PhaseBase extends Maps {
  /** "deploy green", "shift 25% to green"… */
  label: string;
}

export type Phase =
  /** `ready`: the deployment already runs the desired spec, so nothing is written */
  | (PhaseBase & { kind: 'deploy'; deployment: string; ready?: boolean })
  | (PhaseBase & { kind: 'smoke'; deployment: string })
  /** Set the maps (when they differ from the current ones), then bake with analysis */
  | (PhaseBase & { kind: 'traffic'; bakeMs: number })
  | (PhaseBase & { kind: 'cleanup'; action: 'delete' | 'scale-down'; deployments: string[]; instances?: number });

export interface RolloutPlan {
  kind: PlanKind;
  /** The deployment created or updated */
  deployment: string;
  /** The deployments that served traffic before */
  previous: string[];
  initial: Maps;
  final: Maps;
  phases: Phase[];
  rules: AnalysisRule[];
  failureLimit: number;
  checkIntervalMs: number;
  onFailure: OnFailure;
  /** Things the user should know about how their inputs were applied */
  notes: string[];
}

function resolveKind(state: EndpointState, choices: RolloutChoices): PlanKind {
  if (choices.strategy === 'stage') return 'stage';
  if (liveIn(state.traffic).length === 0) return 'first-deploy';
  return choices.strategy ?? (choices.trafficSteps ? 'canary' : 'blue-green');
}

function replaceTarget(state: EndpointState, choices: RolloutChoices): string {
  const live = liveIn(state.traffic);
  if (choices.deployment.kind === 'named') {
    const name = choices.deployment.name;
    if (live.includes(name)) return name;
    throw new StepError('input', `Strategy replace updates a deployment that serves traffic, and '${name}' serves none (${formatMap(state.traffic)}).`, {
      input: 'deployment-name',
      hint: `Name one of ${live.map((d) => `'${d}'`).join(', ')}, or use strategy blue-green to bring '${name}' in safely.`,
    });
  }
  if (live.length === 1) return live[0]!;
  throw new StepError('input', `Strategy replace needs one deployment to update, and ${live.length} serve traffic (${formatMap(state.traffic)}).`, {
    input: 'deployment-name',
    hint: 'Name the deployment to update in place in deployment-name.',
  });
}

function rolloutTarget(state: EndpointState, choices: RolloutChoices, ready: readonly string[]): string {
  if (choices.deployment.kind === 'auto') return pickDeploymentName(state, choices.deployment.pair, ready);
  const name = choices.deployment.name;
  const share = normalizeMap(state.traffic)[name];
  if (share !== undefined && liveIn(state.traffic).length > 0) {
    throw new StepError('conflict', `Deployment '${name}' serves ${share}% of live traffic (${formatMap(state.traffic)}); a safe rollout brings in a deployment that serves none.`, {
      input: 'deployment-name',
      hint: "Use 'deployment-name: auto' to take the idle one of the pair, name an idle deployment, or use strategy replace to update it in place.",
    });
  }
  return name;
}

function without(map: TrafficMap, name: string): Record<string, number> {
  const out = normalizeMap(map);
  delete out[name];
  return out;
}

function cleanupPhase(choices: RolloutChoices, previous: string[], final: Maps): Phase | undefined {
  const s = choices.onSuccess;
  if (s.action === 'keep' || previous.length === 0) return undefined;
  const list = previous.join(', ');
  if (s.action === 'delete') return { kind: 'cleanup', label: `delete ${list}`, action: 'delete', deployments: previous, ...final };
  return { kind: 'cleanup', label: `scale ${list} down to ${s.instances}`, action: 'scale-down', deployments: previous, instances: s.instances, ...final };
}

export interface PlanOptions {
  /**
   * Lower-case names of existing deployments that already run the desired spec and are provisioned: `auto` prefers
   * an idle one of them, and a target among them that holds no traffic is not written again.
   */
  ready?: readonly string[];
}

export function planRollout(state: EndpointState, choices: RolloutChoices, options: PlanOptions = {}): RolloutPlan {
  const kind = resolveKind(state, choices);
  const ready = options.ready ?? [];
  const notes: string[] = [];
  const initial: Maps = { traffic: normalizeMap(state.traffic), mirror: normalizeMap(state.mirror) };
  const target = kind === 'replace' ? replaceTarget(state, choices) : rolloutTarget(state, choices, ready);
  const previous = kind === 'replace' ? [] : liveIn(initial.traffic).filter((d) => d !== target);
  // A deployment that takes live traffic cannot stay mirrored.
  const baseMirror = without(initial.mirror, target);
  const phases: Phase[] = [];
  const bake = choices.bakeMs;
  const asDesired = ready.includes(target.toLowerCase()) && initial.traffic[target] === undefined && initial.mirror[target] === undefined;
  if (asDesired) {
    phases.push({ kind: 'deploy', label: `use ${target} (already deployed as desired)`, deployment: target, ready: true, ...initial });
  } else {
    phases.push({ kind: 'deploy', label: `${kind === 'replace' ? 'update' : 'deploy'} ${target}`, deployment: target, ...initial });
  }
  phases.push({ kind: 'smoke', label: `smoke test ${target}`, deployment: target, ...initial });

  if (kind === 'stage') {
    // The traffic stays where it is; the step's summary says how to test and promote the staged deployment.
    if (liveIn(initial.traffic).length === 0) {
      notes.push(`No deployment serves traffic yet: '${target}' is staged at 0%, and the endpoint serves no traffic until a later run (strategy blue-green or canary) sends it some.`);
    }
    if (choices.rules.length > 0) notes.push(`Strategy stage moves no traffic: the analysis rules are checked when '${target}' is promoted.`);
    if (choices.onSuccess.action !== 'keep') notes.push(`Strategy stage moves no traffic: on-success applies when '${target}' is promoted.`);
  } else if (kind === 'first-deploy') {
    if (choices.strategy && choices.strategy !== 'replace') notes.push(`No deployment serves traffic yet: '${target}' takes 100% at once; strategy ${choices.strategy} applies from the next rollout.`);
    if (choices.mirrorPercent > 0) notes.push('No deployment serves traffic yet: there is nothing to mirror, so mirror-percent is not used.');
    phases.push({ kind: 'traffic', label: `send 100% to ${target}`, traffic: { [target]: 100 }, mirror: baseMirror, bakeMs: bake });
  } else if (kind === 'replace') {
    if (choices.rules.length > 0 && bake > 0) {
      phases.push({ kind: 'traffic', label: `observe ${target}`, ...initial, bakeMs: bake });
      notes.push('Strategy replace updates in place: a failed analysis is reported, but there is no previous deployment to return traffic to.');
    }
  } else {
    if (choices.mirrorPercent > 0) {
      const paused = liveIn(baseMirror);
      if (paused.length > 0) notes.push(`Azure mirrors to one deployment only: mirroring to ${paused.join(', ')} pauses during the mirror phase.`);
      phases.push({ kind: 'traffic', label: `mirror ${choices.mirrorPercent}% to ${target}`, traffic: initial.traffic, mirror: { [target]: choices.mirrorPercent }, bakeMs: bake });
    }
    const steps = kind === 'canary' ? (choices.trafficSteps ?? DEFAULT_CANARY_STEPS) : [100];
    for (const p of steps) {
      phases.push({ kind: 'traffic', label: `shift ${p}% to ${target}`, traffic: shiftTraffic(initial.traffic, target, p), mirror: baseMirror, bakeMs: bake });
    }
  }
  const last = phases[phases.length - 1]!;
  const final: Maps = { traffic: last.traffic, mirror: last.mirror };
  const cleanup = kind === 'stage' ? undefined : cleanupPhase(choices, previous, final);
  if (cleanup) phases.push(cleanup);
  if (choices.rules.length > 0 && bake === 0 && kind !== 'stage') notes.push('bake-time is 0: the analysis rules are not checked.');
  for (const p of phases) {
    const problems = mapProblems(p.traffic, p.mirror);
    if (problems.length > 0) throw new Error(`rollout plan phase '${p.label}' is invalid: ${problems.join('; ')}`);
  }
  return {
    kind,
    deployment: target,
    previous,
    initial,
    final,
    phases,
    rules: choices.rules,
    failureLimit: choices.failureLimit,
    checkIntervalMs: choices.checkIntervalMs,
    onFailure: choices.onFailure,
    notes,
  };
}
