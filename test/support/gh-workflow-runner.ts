/**
 * Runs a GitHub workflow the way the runner would, far enough for the chain and preview tests: a reusable one
 * (`on: workflow_call`, with its inputs) or one started by an event (`github.event` given in the github context):
 * jobs in `needs` order with their `if:`, each step's `with:` / `env:` / `run:` resolved from the template text and
 * the contexts (inputs with their defaults, vars, secrets, github, needs, steps), `aml-lifecycle/aml-lifecycle/
 * actions/<step>@<ref>` run from this checkout's bundles as the runner runs an action (runGitHubAction), `run:` steps
 * in bash with GITHUB_OUTPUT, job outputs from their expressions, and the workflow's outputs from the jobs'. A job
 * with `environment:` waits for `approve(environment)` and signs in with that environment's OIDC subject.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { runBash } from './bash';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseGitHubOutputFile, runGitHubAction, type GitHubRun } from '../../shared/cli/runners';
import { condition, interpolate, type Scope, type Value } from './gh-expressions';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface WorkflowRunOptions {
  inputs: Record<string, string>;
  secrets?: Record<string, string>;
  vars: Record<string, string>;
  /** The github context: repository, sha, run_id, token…, and `event` (the webhook payload) for an event's workflow */
  github: Record<string, Value>;
  /** The caller's checkout: where steps run and relative paths resolve */
  workspace: string;
  /** The environment every step process gets (CA, endpoints; not the OIDC job) */
  env: NodeJS.ProcessEnv;
  /** The action folder a `uses:` names, or undefined when the runner cannot run it */
  actionFor(uses: string): string | undefined;
  /** OIDC variables of a job in this environment (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN) */
  oidcFor(environment: string | undefined): Record<string, string>;
  /** Called before a job that names an environment starts (the required reviewers' approval) */
  approve?(environment: string, job: string): void;
}

export interface StepRun {
  id?: string;
  uses?: string;
  outcome: 'success' | 'failure' | 'skipped';
  outputs: Record<string, string>;
  run?: GitHubRun;
  log?: string;
}

export interface JobRun {
  result: 'success' | 'failure' | 'skipped';
  outputs: Record<string, string>;
  steps: StepRun[];
}

export interface WorkflowRun {
  jobs: Record<string, JobRun>;
  outputs: Record<string, string>;
  /** Job names in the order they ran (or were skipped) */
  order: string[];
}

function inputValues(def: Json, given: Record<string, string>): Record<string, Value> {
  const declared = (def.on?.workflow_call?.inputs ?? {}) as Record<string, Json>;
  const out: Record<string, Value> = {};
  for (const k of Object.keys(given)) if (!(k in declared)) throw new Error(`input '${k}' is not declared by the workflow`);
  for (const [k, d] of Object.entries(declared)) {
    if (d.required && given[k] === undefined) throw new Error(`required input '${k}' was not given`);
    const v = given[k] ?? d.default;
    out[k] = d.type === 'boolean' ? (v as unknown) === true || v === 'true' : d.type === 'number' && v !== undefined ? Number(v) : v === undefined ? '' : String(v);
  }
  return out;
}

function order(jobs: Record<string, Json>): string[] {
  const done: string[] = [];
  const visit = (j: string, path: string[]) => {
    if (done.includes(j)) return;
    if (path.includes(j)) throw new Error(`needs cycle: ${[...path, j].join(' → ')}`);
    const needs = ([] as string[]).concat(jobs[j]?.needs ?? []);
    for (const n of needs) {
      if (!jobs[n]) throw new Error(`job ${j} needs unknown job ${n}`);
      visit(n, [...path, j]);
    }
    done.push(j);
  };
  for (const j of Object.keys(jobs)) visit(j, []);
  return done;
}

const strings = (o: Json | undefined, scope: Scope): Record<string, string> =>
  Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k, interpolate(String(v), scope)]));

export async function runWorkflow(file: string, o: WorkflowRunOptions): Promise<WorkflowRun> {
  const def = parse(readFileSync(file, 'utf8')) as Json;
  const inputs = inputValues(def, o.inputs);
  const jobs = (def.jobs ?? {}) as Record<string, Json>;
  const results: Record<string, JobRun> = {};
  const ran: string[] = [];
  for (const name of order(jobs)) {
    const job = jobs[name]!;
    ran.push(name);
    const needs = ([] as string[]).concat(job.needs ?? []);
    const needsCtx: Record<string, Value> = Object.fromEntries(needs.map((n) => [n, { result: results[n]!.result, outputs: results[n]!.outputs }]));
    const jobStatus = needs.every((n) => results[n]!.result === 'success') ? 'success' : 'failure';
    const contexts: Record<string, Value> = { inputs, vars: o.vars, secrets: o.secrets ?? {}, github: o.github, needs: needsCtx, env: {}, steps: {}, job: {}, runner: { os: 'Linux', temp: tmpdir() } };
    const jobScope: Scope = { contexts, status: jobStatus };
    if (!condition(job.if, jobScope)) {
      results[name] = { result: 'skipped', outputs: {}, steps: [] };
      continue;
    }
    const environment = job.environment ? interpolate(String(typeof job.environment === 'object' ? job.environment.name : job.environment), jobScope) : undefined;
    if (environment) o.approve?.(environment, name);
    const jobEnv = { ...o.env, ...o.oidcFor(environment), ...strings(job.env, jobScope), GITHUB_WORKSPACE: o.workspace, GITHUB_REPOSITORY: String(o.github.repository ?? ''), GITHUB_RUN_ID: String(o.github.run_id ?? ''), GITHUB_SHA: String(o.github.sha ?? '') };
    const stepsCtx: Record<string, Value> = {};
    contexts.steps = stepsCtx;
    const steps: StepRun[] = [];
    let status: 'success' | 'failure' = 'success';
    for (const step of (job.steps ?? []) as Json[]) {
      const scope: Scope = { contexts: { ...contexts, steps: stepsCtx }, status };
      const record = (s: StepRun) => {
        steps.push(s);
        if (s.id) stepsCtx[s.id] = { outcome: s.outcome, conclusion: s.outcome, outputs: s.outputs };
        if (s.outcome === 'failure') status = 'failure';
      };
      if (!condition(step.if, scope)) {
        record({ ...(step.id ? { id: step.id } : {}), ...(step.uses ? { uses: step.uses } : {}), outcome: 'skipped', outputs: {} });
        continue;
      }
      const env = { ...jobEnv, ...strings(step.env, scope) };
      if (step.uses) {
        const uses = String(step.uses);
        if (/^actions\/checkout@/.test(uses)) {
          record({ ...(step.id ? { id: step.id } : {}), uses, outcome: 'success', outputs: {} });
          continue;
        }
        const dir = o.actionFor(uses);
        if (!dir) throw new Error(`the test runner cannot run '${uses}' (job ${name})`);
        const run = await runGitHubAction(dir, strings(step.with, scope), env, o.workspace);
        record({ ...(step.id ? { id: step.id } : {}), uses, outcome: run.exitCode === 0 ? 'success' : 'failure', outputs: run.outputs, run });
      } else if (step.run !== undefined) {
        const tmp = mkdtempSync(join(tmpdir(), 'gh-run-step-'));
        const out = join(tmp, 'output');
        writeFileSync(out, '');
        const script = interpolate(String(step.run), scope);
        const r = await runBash(script, o.workspace, { ...env, GITHUB_OUTPUT: out });
        record({ ...(step.id ? { id: step.id } : {}), outcome: r.status === 0 ? 'success' : 'failure', outputs: parseGitHubOutputFile(readFileSync(out, 'utf8')), log: r.output });
      }
    }
    const outScope: Scope = { contexts: { ...contexts, steps: stepsCtx }, status };
    results[name] = { result: status, outputs: status === 'success' ? strings(job.outputs, outScope) : {}, steps };
  }
  const jobsCtx: Record<string, Value> = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { result: v.result, outputs: v.outputs }]));
  const wfOutputs = (def.on?.workflow_call?.outputs ?? {}) as Record<string, Json>;
  const outputs = Object.fromEntries(Object.entries(wfOutputs).map(([k, v]) => [k, interpolate(String(v.value), { contexts: { jobs: jobsCtx, inputs }, status: 'success' })]));
  return { jobs: results, outputs, order: ran };
}
