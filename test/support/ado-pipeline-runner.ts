/**
 * Runs an Azure Pipelines stages template the way the agent would, far enough for the chain test: template
 * parameters (`${{ parameters.x }}`, with defaults and allowed values), stages in `dependsOn` order with their
 * conditions, stage variables with runtime expressions (`$[ stageDependencies.S.j.outputs['step.var'] ]`, and
 * `'job.step.var'` for runOnce deployment jobs, coalesce()), jobs and deployment jobs (an `environment:` waits for
 * `approve`), task steps run from this checkout's bundles as the agent runs a task (runAdoTask), `bash:` steps with
 * `##vso[task.setvariable …;isOutput=true]`, `$(var)` macros (variables, `step.var` outputs, predefined
 * variables), and step conditions. Built-in tasks the test does not need (PublishTestResults) are recorded, not run.
 */
import { readFileSync } from 'node:fs';
import { runBash } from './bash';
import { parse } from 'yaml';
import { parseVsoCommands, runAdoTask, type AdoRun, type AdoServiceConnectionSpec } from '../../shared/cli/runners';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface PipelineRunOptions {
  parameters: Record<string, string>;
  /** Pipeline variables (a variable group's, predefined ones like Build.BuildId) */
  variables: Record<string, string>;
  workspace: string;
  env: NodeJS.ProcessEnv;
  /** The packaged task folder for `Name@major`, or undefined when the runner cannot run it */
  taskFor(task: string): string | undefined;
  /** The service connection a name resolves to */
  connection(name: string): AdoServiceConnectionSpec;
  systemAccessToken: string;
  approve?(environment: string, job: string): void;
  /** Built-in tasks that are recorded and skipped */
  builtIn?: string[];
}

export interface StepRun {
  name?: string;
  task?: string;
  result: 'Succeeded' | 'Failed' | 'Skipped';
  outputs: Record<string, string>;
  run?: AdoRun;
  log?: string;
}
export interface JobRun {
  result: 'Succeeded' | 'Failed' | 'Skipped';
  steps: StepRun[];
  /** `step.var` → value (runOnce deployment jobs are addressed `job.step.var`) */
  outputs: Record<string, string>;
}
export interface StageRun {
  result: 'Succeeded' | 'Failed' | 'Skipped';
  jobs: Record<string, JobRun>;
}
export interface PipelineRun {
  stages: Record<string, StageRun>;
  order: string[];
}

/** Compile time: `${{ parameters.x }}` everywhere (a whole-string expression keeps the value as is). */
function applyParameters(node: unknown, params: Record<string, unknown>): unknown {
  if (typeof node === 'string') {
    // A whole-value expression passes the parameter as it is (an object or a list stays one).
    const whole = /^\$\{\{\s*parameters\.([A-Za-z_][\w]*)\s*\}\}$/.exec(node.trim());
    if (whole && whole[1]! in params) return params[whole[1]!];
    return node.replace(/\$\{\{\s*parameters\.([A-Za-z_][\w]*)\s*\}\}/g, (_, k: string) => {
      if (!(k in params)) throw new Error(`template expression names unknown parameter '${k}'`);
      return String(params[k]);
    });
  }
  if (Array.isArray(node)) return node.map((n) => applyParameters(n, params));
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      const value = applyParameters(v, params);
      // `${{ insert }}: <mapping>` merges the mapping here.
      if (/^\$\{\{\s*insert\s*\}\}$/.test(k)) Object.assign(out, value ?? {});
      else out[k] = value;
    }
    return out;
  }
  return node;
}

function parameterValues(def: Json, given: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const declared = (def.parameters ?? []) as Json[];
  for (const k of Object.keys(given)) if (!declared.some((p) => p.name === k)) throw new Error(`parameter '${k}' is not declared by the template`);
  for (const p of declared) {
    const v = given[p.name] ?? p.default;
    if (v === undefined) throw new Error(`parameter '${p.name}' is required`);
    if (Array.isArray(p.values) && !p.values.includes(v)) throw new Error(`parameter '${p.name}': '${v}' is not one of ${p.values.join(', ')}`);
    out[p.name] = v;
  }
  return out;
}

// ---- runtime expressions: conditions and $[ ] ----
type V = string | number | boolean | null | undefined;
interface Ctx {
  lookup(path: string[]): V;
  status: 'Succeeded' | 'Failed';
}
function tokens(src: string): string[] {
  const out: string[] = [];
  const re = /\s*('(?:[^']|'')*'|[A-Za-z_][\w.-]*(?:\['[^']*'\])*|-?\d+(?:\.\d+)?|[(),])\s*/y;
  while (re.lastIndex < src.length) {
    const at = re.lastIndex;
    const m = re.exec(src);
    if (!m) throw new Error(`cannot read expression at ${at}: ${src}`);
    out.push(m[1]!);
  }
  return out;
}
function evalExpr(src: string, ctx: Ctx): V {
  const toks = tokens(src);
  let p = 0;
  const node = (): V => {
    const t = toks[p++];
    if (t === undefined) throw new Error(`unexpected end of ${src}`);
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (/^-?\d/.test(t)) return Number(t);
    if (t === 'true' || t === 'false') return t === 'true';
    if (toks[p] === '(') {
      p++;
      const args: V[] = [];
      while (toks[p] !== ')') {
        args.push(node());
        if (toks[p] === ',') p++;
      }
      p++;
      return call(t, args);
    }
    // a.b.c['x.y'] → path segments
    const path = [...t.matchAll(/([A-Za-z_][\w-]*)|\['([^']+)'\]/g)].map((m) => m[1] ?? m[2]!);
    return ctx.lookup(path);
  };
  const eq = (a: V, b: V) => String(a ?? '').toLowerCase() === String(b ?? '').toLowerCase();
  const call = (f: string, a: V[]): V => {
    switch (f.toLowerCase()) {
      case 'and':
        return a.every(Boolean);
      case 'or':
        return a.some(Boolean);
      case 'not':
        return !a[0];
      case 'eq':
        return eq(a[0], a[1]);
      case 'ne':
        return !eq(a[0], a[1]);
      case 'in':
        return a.slice(1).some((x) => eq(a[0], x));
      case 'format':
        return String(a[0] ?? '').replace(/\{(\d+)\}/g, (_, i: string) => String(a[Number(i) + 1] ?? ''));
      case 'coalesce':
        return a.find((x) => x !== undefined && x !== null && x !== '') ?? '';
      case 'succeeded':
        return ctx.status === 'Succeeded';
      case 'failed':
        return ctx.status === 'Failed';
      case 'succeededorfailed':
      case 'always':
        return true;
      default:
        throw new Error(`function ${f}() is not supported by the test runner`);
    }
  };
  const v = node();
  if (p !== toks.length) throw new Error(`trailing tokens in ${src}`);
  return v;
}

/** `$(name)` macros; unknown ones stay as written, as on the agent. */
function macros(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\(([A-Za-z_][\w.]*)\)/g, (all, k: string) => {
    const hit = Object.keys(vars).find((x) => x.toLowerCase() === k.toLowerCase());
    return hit === undefined ? all : vars[hit]!;
  });
}

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

export async function runStagesTemplate(file: string, o: PipelineRunOptions): Promise<PipelineRun> {
  const raw = parse(readFileSync(file, 'utf8')) as Json;
  const def = applyParameters({ stages: raw.stages }, parameterValues(raw, o.parameters)) as Json;
  const stages = def.stages as Json[];
  const results: Record<string, StageRun> = {};
  const order: string[] = [];
  for (const [i, stage] of stages.entries()) {
    const name = String(stage.stage);
    order.push(name);
    const deps = stage.dependsOn === undefined ? (i > 0 ? [String(stages[i - 1]!.stage)] : []) : list(stage.dependsOn);
    const depsOk = deps.every((d) => results[d]?.result === 'Succeeded');
    const lookupDeps = (path: string[]): V => {
      const [root, s, a, b] = path;
      if (root === 'dependencies' && s && a === 'result') return results[s]?.result;
      if (root === 'stageDependencies' && s && a && b === 'outputs') return results[s]?.jobs[a]?.outputs[path[4] ?? ''];
      if (root === 'variables') return o.variables[s ?? ''];
      return undefined;
    };
    const stageCtx: Ctx = { lookup: lookupDeps, status: depsOk ? 'Succeeded' : 'Failed' };
    const run = stage.condition === undefined ? depsOk : Boolean(evalExpr(String(stage.condition), stageCtx));
    if (!run) {
      results[name] = { result: 'Skipped', jobs: {} };
      continue;
    }
    const stageVars: Record<string, string> = { ...o.variables };
    for (const [k, v] of Object.entries((stage.variables && !Array.isArray(stage.variables) ? stage.variables : {}) as Record<string, string>)) {
      const m = /^\$\[([\s\S]*)\]$/.exec(String(v).trim());
      stageVars[k] = m ? String(evalExpr(m[1]!, stageCtx) ?? '') : macros(String(v), stageVars);
    }
    const jobs: Record<string, JobRun> = {};
    for (const job of stage.jobs as Json[]) {
      const jobName = String(job.job ?? job.deployment);
      const deployment = job.deployment !== undefined;
      // Jobs of a stage: dependsOn (in file order here), `dependencies.<job>.outputs[…]` / `.result` in variables.
      const jobDeps = list(job.dependsOn);
      const jobDepsOk = jobDeps.every((d) => jobs[d]?.result === 'Succeeded');
      const jobCtx: Ctx = {
        lookup: (path) => {
          const [root, j, a] = path;
          if (root === 'dependencies' && j && jobs[j]) return a === 'result' ? jobs[j]!.result : a === 'outputs' ? jobs[j]!.outputs[path[3] ?? ''] : undefined;
          return lookupDeps(path);
        },
        status: jobDepsOk ? 'Succeeded' : 'Failed',
      };
      if (job.condition === undefined ? !jobDepsOk : !evalExpr(String(job.condition), jobCtx)) {
        jobs[jobName] = { result: 'Skipped', steps: [], outputs: {} };
        continue;
      }
      if (deployment && job.environment) o.approve?.(String(typeof job.environment === 'object' ? job.environment.name : job.environment), jobName);
      const steps = (deployment ? job.strategy?.runOnce?.deploy?.steps : job.steps) as Json[];
      const outputs: Record<string, string> = {};
      const vars: Record<string, string> = { ...stageVars };
      for (const [k, v] of Object.entries((job.variables ?? {}) as Record<string, string>)) {
        const m = /^\$\[([\s\S]*)\]$/.exec(String(v).trim());
        vars[k] = m ? String(evalExpr(m[1]!, jobCtx) ?? '') : macros(String(v), vars);
      }
      const ran: StepRun[] = [];
      let status: 'Succeeded' | 'Failed' = 'Succeeded';
      for (const step of steps) {
        const stepCtx: Ctx = { lookup: (p) => (p[0] === 'variables' ? vars[p[1] ?? ''] : undefined), status };
        if (step.checkout !== undefined) continue;
        const cond = step.condition === undefined ? status === 'Succeeded' : Boolean(evalExpr(macros(String(step.condition), vars), stepCtx));
        const stepName = step.name ? String(step.name) : undefined;
        if (!cond) {
          ran.push({ ...(stepName ? { name: stepName } : {}), ...(step.task ? { task: String(step.task) } : {}), result: 'Skipped', outputs: {} });
          continue;
        }
        const record = (r: StepRun) => {
          ran.push(r);
          if (r.result === 'Failed') status = 'Failed';
          for (const [k, v] of Object.entries(r.outputs)) {
            if (!stepName) continue;
            vars[`${stepName}.${k}`] = v;
            outputs[deployment ? `${jobName}.${stepName}.${k}` : `${stepName}.${k}`] = v;
          }
        };
        if (step.task) {
          const task = String(step.task);
          if (o.builtIn?.includes(task)) {
            record({ ...(stepName ? { name: stepName } : {}), task, result: 'Succeeded', outputs: {} });
            continue;
          }
          const dir = o.taskFor(task);
          if (!dir) throw new Error(`the test runner cannot run task ${task}`);
          const { azureSubscription, ...rest } = (step.inputs ?? {}) as Record<string, string>;
          const inputs = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, macros(String(v), vars)]));
          const r = await runAdoTask(dir, inputs, azureSubscription ? o.connection(String(azureSubscription)) : undefined, o.env, o.systemAccessToken, o.workspace);
          const failed = r.exitCode !== 0 || r.result === 'Failed';
          record({ ...(stepName ? { name: stepName } : {}), task, result: failed ? 'Failed' : 'Succeeded', outputs: r.outputs, run: r });
        } else if (step.bash !== undefined || step.script !== undefined) {
          const env = { ...o.env, ...Object.fromEntries(Object.entries((step.env ?? {}) as Record<string, string>).map(([k, v]) => [k, macros(String(v), vars)])) };
          for (const [k, v] of Object.entries(o.variables)) env[k.toUpperCase().replace(/\./g, '_')] = v;
          const r = await runBash(macros(String(step.bash ?? step.script), vars), o.workspace, env);
          const outs: Record<string, string> = {};
          for (const c of parseVsoCommands(r.output)) if (c.area === 'task.setvariable' && c.properties.isOutput === 'true') outs[c.properties.variable!] = c.message;
          record({ ...(stepName ? { name: stepName } : {}), result: r.status === 0 ? 'Succeeded' : 'Failed', outputs: outs, log: r.output });
        }
      }
      jobs[jobName] = { result: status, steps: ran, outputs };
    }
    results[name] = { result: Object.values(jobs).every((j) => j.result === 'Succeeded') ? 'Succeeded' : 'Failed', jobs };
  }
  return { stages: results, order };
}
