/**
 * `npm run check:schemas`: validate every generated action.yml, task.json, the extension manifest and the
 * workflow templates against the third-party JSON schemas in ../shared/schemas (CI runs it when that folder exists).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import { parse } from 'yaml';
import { steps } from '../src/steps';
import { taskJson } from './manifests';
import { ROOT } from './generate';

const SCHEMAS = process.env.AML_SCHEMAS_DIR ?? join(ROOT, '..', 'shared', 'schemas');

function load(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  return file.endsWith('.json') ? JSON.parse(text) : parse(text);
}

function walk(dir: string, match: (name: string) => boolean, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, match, out);
    else if (match(e.name)) out.push(p);
  }
  return out;
}

function main(): number {
  if (!existsSync(SCHEMAS)) {
    console.log(`SKIPPED: no schemas at ${SCHEMAS}`);
    return 0;
  }
  const draft7 = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false, validateFormats: false });
  const draft4 = new AjvDraft04({ strict: false, allErrors: true, unicodeRegExp: false, validateFormats: false });
  const checks: Array<{ schema: string; files: string[]; ajv: Ajv | AjvDraft04; compiled?: ReturnType<Ajv['compile']> }> = [
    {
      schema: 'github-action.json',
      files: [join(ROOT, 'action.yml'), ...walk(join(ROOT, 'actions'), (n) => n === 'action.yml')],
      ajv: draft7,
    },
    { schema: 'tasks.schema.json', files: walk(join(ROOT, 'tasks'), (n) => n === 'task.json'), ajv: draft4 },
    { schema: 'vss-extension.json', files: [join(ROOT, 'tasks', 'vss-extension.json')], ajv: draft7 },
    {
      schema: 'github-workflow.json',
      files: [
        ...walk(join(ROOT, '.github', 'workflows'), (n) => /\.ya?ml$/.test(n)),
        ...walk(join(ROOT, 'workflows-templates', 'github'), (n) => /\.ya?ml$/.test(n)),
      ],
      ajv: draft7,
    },
  ];
  // The Azure Pipelines schema knows only built-in tasks: add one branch per task of ours, from its task.json.
  const pipelines = load(join(SCHEMAS, 'service-schema.json')) as {
    definitions: { task: { anyOf: unknown[]; properties: { task: { anyOf: unknown[] } } } };
  };
  for (const step of steps) {
    const task = taskJson(step) as { name: string; version: { Major: number }; inputs: Array<{ name: string; required: boolean; type: string; options?: object }> };
    pipelines.definitions.task.properties.task.anyOf.push({ enum: [`${task.name}@${task.version.Major}`], ignoreCase: 'value' });
    pipelines.definitions.task.anyOf.push({
      properties: {
        task: { pattern: `^${task.name}@${task.version.Major}$`, ignoreCase: 'value' },
        inputs: {
          properties: Object.fromEntries(
            task.inputs.map((i) => [i.name, i.type === 'boolean' ? { type: ['boolean', 'string'] } : { type: 'string' }]),
          ),
          additionalProperties: false,
          required: task.inputs.filter((i) => i.required).map((i) => i.name),
        },
      },
      firstProperty: ['task'],
      required: ['task'],
    });
  }
  const pipelinesAjv = new Ajv({ strict: false, allErrors: false, unicodeRegExp: false, validateFormats: false });
  checks.push({
    schema: 'service-schema.json',
    files: walk(join(ROOT, 'workflows-templates', 'azure-pipelines'), (n) => /\.ya?ml$/.test(n)),
    ajv: pipelinesAjv,
    compiled: pipelinesAjv.compile(pipelines as object),
  });
  let failures = 0;
  let checked = 0;
  for (const c of checks) {
    const validate = c.compiled ?? c.ajv.compile(load(join(SCHEMAS, c.schema)) as object);
    for (const f of c.files.filter((x) => existsSync(x))) {
      checked++;
      if (validate(load(f))) {
        console.log(`ok   ${relative(ROOT, f)} (${c.schema})`);
      } else {
        failures++;
        console.log(`FAIL ${relative(ROOT, f)} (${c.schema})`);
        for (const e of validate.errors ?? []) console.log(`     ${e.instancePath || '/'} ${e.message}`);
      }
    }
  }
  console.log(`${checked - failures} passed, ${failures} failed`);
  return failures ? 1 : 0;
}

process.exitCode = main();
