/**
 * The workflow templates teams copy, checked as a reviewer would: actionlint finds nothing in any GitHub workflow;
 * every `with:` / ADO `inputs:` key is an input of the action / task it configures (and every required one is
 * given); every expression that reads a step, job or stage output names one that is declared; and the security
 * defaults hold (least-privilege permissions per job, id-token: write only where a job signs in, no
 * pull_request_target, no event data inside run:, pinned action refs in the callers).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { expressionsIn } from '../../support/gh-expressions';
import { REPO } from '../../support/emulator';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
// actionlint (compiled to WebAssembly) through its run-lint module: the package index also loads an ES-module-only
// colour library for its CLI, which Jest's CommonJS runtime cannot.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runLint } = require(join(REPO, 'node_modules', '@tktco', 'node-actionlint', 'build', 'run-lint.js')) as {
  runLint(text: string, path: string): Promise<{ message: string; line: number; kind: string }[]>;
};

const yamlFiles = (dir: string) => readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f));
const GH_FILES = [...yamlFiles(join(REPO, '.github', 'workflows')), ...yamlFiles(join(REPO, 'workflows-templates', 'github'))];
const ADO_FILES = yamlFiles(join(REPO, 'workflows-templates', 'azure-pipelines'));
const OURS = /^aml-lifecycle\/aml-lifecycle\/actions\/([a-z-]+)@(.+)$/;
const REUSABLE = /^aml-lifecycle\/aml-lifecycle\/(\.github\/workflows\/[\w.-]+\.ya?ml)@(.+)$/;
const load = (f: string) => parse(readFileSync(f, 'utf8')) as Json;
const rel = (f: string) => relative(REPO, f);

interface ActionSpec {
  inputs: Record<string, { required?: boolean }>;
  outputs: string[];
}
const actionSpec = (step: string): ActionSpec => {
  const a = load(join(REPO, 'actions', step, 'action.yml'));
  return { inputs: a.inputs ?? {}, outputs: Object.keys(a.outputs ?? {}) };
};

test('actionlint finds nothing in any GitHub workflow, and does find a broken one', async () => {
  for (const f of GH_FILES) expect({ file: rel(f), findings: await runLint(readFileSync(f, 'utf8'), rel(f)) }).toEqual({ file: rel(f), findings: [] });
  const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ steps.nope.outputs.x }}\n';
  expect((await runLint(broken, 'broken.yml')).length).toBeGreaterThan(0);
});

describe.each(GH_FILES.map((f) => [rel(f), f]))('%s', (_name, file) => {
  const wf = load(file);
  const jobs = (wf.jobs ?? {}) as Record<string, Json>;

  test('every with: key is an input of the action it configures, and the required ones are given', () => {
    for (const [j, job] of Object.entries(jobs)) {
      for (const step of (job.steps ?? []) as Json[]) {
        const m = OURS.exec(String(step.uses ?? ''));
        if (!m) continue;
        const spec = actionSpec(m[1]!);
        const given = Object.keys(step.with ?? {});
        expect({ job: j, step: step.id, unknown: given.filter((k) => !(k in spec.inputs)) }).toEqual({ job: j, step: step.id, unknown: [] });
        const missing = Object.entries(spec.inputs).filter(([k, v]) => v.required && !given.includes(k)).map(([k]) => k);
        expect({ job: j, step: step.id, missing }).toEqual({ job: j, step: step.id, missing: [] });
      }
      const r = REUSABLE.exec(String(job.uses ?? ''));
      if (r) {
        const called = load(join(REPO, r[1]!)).on.workflow_call;
        expect(Object.keys(job.with ?? {}).filter((k) => !(k in (called.inputs ?? {})))).toEqual([]);
        expect(Object.keys(job.secrets ?? {}).filter((k) => !(k in (called.secrets ?? {})))).toEqual([]);
        expect(Object.entries(called.inputs ?? {}).filter(([k, v]) => (v as Json).required && !(k in (job.with ?? {}))).map(([k]) => k)).toEqual([]);
      }
    }
  });

  test('every expression that reads an output names one that is declared', () => {
    const text = (v: unknown) => JSON.stringify(v ?? '');
    for (const [j, job] of Object.entries(jobs)) {
      const stepOutputs: Record<string, string[]> = {};
      for (const step of (job.steps ?? []) as Json[]) {
        const m = OURS.exec(String(step.uses ?? ''));
        if (step.id) stepOutputs[step.id] = m ? actionSpec(m[1]!).outputs : [...String(step.run ?? '').matchAll(/([A-Za-z][\w-]*)=[^\n]*>>\s*"?\$GITHUB_OUTPUT|[`'"]([A-Za-z][\w-]*)=\$\{/g)].map((x) => x[1] ?? x[2]!);
      }
      for (const e of expressionsIn(text(job))) {
        for (const [, id, out] of e.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) expect({ job: j, ref: `steps.${id}.outputs.${out}`, declared: (stepOutputs[id!] ?? []).includes(out!) }).toMatchObject({ declared: true });
        for (const [, n, out] of e.matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          expect({ job: j, ref: `needs.${n}`, needed: ([] as string[]).concat(job.needs ?? []).includes(n!) }).toMatchObject({ needed: true });
          expect({ job: j, ref: `needs.${n}.outputs.${out}`, declared: out! in (jobs[n!]?.outputs ?? {}) }).toMatchObject({ declared: true });
        }
      }
    }
    for (const [k, v] of Object.entries((wf.on?.workflow_call?.outputs ?? {}) as Record<string, Json>)) {
      for (const [, j, out] of String(v.value).matchAll(/jobs\.([\w-]+)\.outputs\.([\w-]+)/g)) expect({ output: k, declared: out! in (jobs[j!]?.outputs ?? {}) }).toMatchObject({ declared: true });
    }
  });

  test('security defaults: least privilege per job, OIDC only where a job signs in, no untrusted input in run:', () => {
    expect(Object.keys(wf.on ?? {})).not.toContain('pull_request_target');
    for (const [j, job] of Object.entries(jobs)) {
      const perms = job.permissions ?? wf.permissions;
      expect({ job: j, permissions: perms !== undefined }).toEqual({ job: j, permissions: true });
      const signsIn = ((job.steps ?? []) as Json[]).some((s) => OURS.test(String(s.uses ?? '')) || /^azure\/login@/.test(String(s.uses ?? ''))) || REUSABLE.test(String(job.uses ?? ''));
      if ((perms as Json)?.['id-token'] === 'write') expect({ job: j, signsIn }).toEqual({ job: j, signsIn: true });
      // Only the release workflow writes to the repository (tags, the GitHub release).
      expect({ job: j, writes: perms === 'write-all' || (perms as Json)?.contents === 'write' }).toEqual({ job: j, writes: _name === '.github/workflows/release.yml' });
      for (const step of (job.steps ?? []) as Json[]) {
        for (const e of expressionsIn(String(step.run ?? ''))) expect({ job: j, expression: e, untrusted: /github\.event\.|github\.head_ref|inputs\.|secrets\./.test(e) }).toMatchObject({ untrusted: false });
        if (step.uses && !/^\.\//.test(step.uses)) expect({ job: j, uses: step.uses, pinned: /@(v\d+|[0-9a-f]{40})$/.test(String(step.uses)) }).toMatchObject({ pinned: true });
      }
      if (job.uses) expect({ job: j, uses: job.uses, pinned: /@(v\d+|[0-9a-f]{40})$/.test(String(job.uses)) }).toMatchObject({ pinned: true });
    }
  });
});

const taskSpec = (task: string): { inputs: { name: string; required?: boolean }[]; outputs: string[] } | undefined => {
  const m = /^([A-Za-z]+)@(\d+)$/.exec(task);
  try {
    const t = JSON.parse(readFileSync(join(REPO, 'tasks', `${m![1]}V${m![2]}`, 'task.json'), 'utf8')) as Json;
    return { inputs: t.inputs, outputs: (t.outputVariables ?? []).map((o: Json) => o.name) };
  } catch {
    return undefined;
  }
};
const BUILT_IN = ['PublishTestResults@2', 'AzureCLI@2'];

describe.each(ADO_FILES.map((f) => [rel(f), f]))('%s', (_name, file) => {
  const doc = load(file);
  const stages = (doc.stages ?? []) as Json[];
  const jobsOf = (s: Json) => (s.jobs ?? []) as Json[];
  const stepsOf = (j: Json) => ((j.deployment ? j.strategy?.runOnce?.deploy?.steps : j.steps) ?? []) as Json[];
  const allJobs = [...stages.flatMap(jobsOf), ...((doc.jobs ?? []) as Json[])];
  const topSteps = (doc.steps ?? []) as Json[];

  test('every task input key is an input of the task, and the required ones are given', () => {
    for (const step of [...allJobs.flatMap(stepsOf), ...topSteps]) {
      if (!step.task || BUILT_IN.includes(step.task)) continue;
      const spec = taskSpec(String(step.task));
      expect({ task: step.task, known: spec !== undefined }).toEqual({ task: step.task, known: true });
      const names = spec!.inputs.map((i) => i.name);
      const given = Object.keys(step.inputs ?? {});
      expect({ step: step.name, unknown: given.filter((k) => !names.includes(k)) }).toEqual({ step: step.name, unknown: [] });
      expect({ step: step.name, missing: spec!.inputs.filter((i) => i.required && !given.includes(i.name)).map((i) => i.name) }).toEqual({ step: step.name, missing: [] });
    }
  });

  test('every output variable read names a step output that is declared, with the syntax its job kind needs', () => {
    const scriptOutputs = (script: unknown) => [...String(script ?? '').matchAll(/task\.setvariable variable=([\w]+);isOutput=true/g)].map((m) => m[1]!);
    // Our tasks declare their outputs in task.json; a script (bash, or a built-in task's inline script) sets its own.
    const outputsOf = (step: Json): string[] =>
      step.task && !BUILT_IN.includes(step.task) ? (taskSpec(String(step.task))?.outputs ?? []) : scriptOutputs(step.bash ?? step.script ?? step.inputs?.inlineScript);
    const declared = (stageName: string | undefined, jobName: string, key: string): boolean => {
      const stage = stageName ? stages.find((s) => s.stage === stageName) : undefined;
      const job = (stage ? jobsOf(stage) : allJobs).find((j) => (j.job ?? j.deployment) === jobName);
      if (!job) return false;
      const parts = key.split('.');
      // runOnce deployment jobs are addressed <job>.<step>.<var>; other jobs <step>.<var>.
      if (job.deployment && parts.shift() !== jobName) return false;
      const [stepName, variable] = parts;
      return stepsOf(job).some((s) => s.name === stepName && outputsOf(s).includes(variable!));
    };
    const text = JSON.stringify(doc);
    for (const [, s, j, key] of text.matchAll(/stageDependencies\.([\w]+)\.([\w]+)\.outputs\['([\w.]+)'\]/g)) expect({ ref: `${s}.${j}.${key}`, declared: declared(s, j!, key!) }).toMatchObject({ declared: true });
    for (const [, j, key] of text.matchAll(/(?<!stage)dependencies\.([\w]+)\.outputs\['([\w.]+)'\]/g)) expect({ ref: `${j}.${key}`, declared: declared(undefined, j!, key!) }).toMatchObject({ declared: true });
    // Same-job macros $(step.var).
    for (const job of [...allJobs, { steps: topSteps }]) {
      const steps = stepsOf(job);
      for (const [, stepName, variable] of JSON.stringify(steps).matchAll(/\$\(([A-Za-z]\w*)\.([A-Za-z]\w*)\)/g)) {
        if (['Build', 'System', 'Agent', 'Pipeline'].includes(stepName!)) continue;
        expect({ ref: `${stepName}.${variable}`, declared: steps.some((s) => s.name === stepName && outputsOf(s).includes(variable!)) }).toMatchObject({ declared: true });
      }
    }
  });
});
