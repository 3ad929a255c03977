/**
 * Conformance over every model-monitor schedule YAML of the shared corpus (outside the repo; skipped when absent):
 * each loads into a Schedule body that meets the GA contract, with the target deployment collecting its inputs and
 * outputs, or fails with input errors that point into the file and say why.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expectLocatedReasons } from './located-reasons';
import { readScheduleYaml, scheduleContractProblems } from '../../shared/src/specs/monitor';

const corpus = join(resolve(__dirname, '..', '..'), '..', 'shared', 'corpus');
const scope = { subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'rg', workspaceName: 'ws' };
const collector = { model_inputs: { enabled: true, dataId: 'azureml:collected-inputs:1' }, model_outputs: { enabled: true, dataId: 'azureml:collected-outputs:1' } };

/** Why a file may fail; each problem must match one. */
const REASONS: Array<[string, RegExp]> = [
  ['not a deployment reference', /'endpoint_deployment_id' is '[^']*'; give azureml:<endpoint>:<deployment>/],
  ['preview-only key', /Unknown field '(data_window_size|trailing_window_size|trailing_window_offset)'/],
];
const tally: Record<string, number> = {};
const count = (k: string): void => void (tally[k] = (tally[k] ?? 0) + 1);

function monitorFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) monitorFiles(p, out);
    else if (/\.ya?ml$/.test(name) && /^create_monitor:/m.test(readFileSync(p, 'utf8'))) out.push(p);
  }
  return out.sort();
}

if (!existsSync(corpus)) {
  test.skip('monitor YAML conformance', () => undefined);
  console.log(`monitor-yaml.test: skipped, no corpus at ${corpus}`);
} else {
  const files = monitorFiles(corpus).map((f) => relative(corpus, f));

  test('the corpus holds monitor schedule YAMLs', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  test.each(files)('%s loads into a contract-valid body or fails with a located reason', (rel) => {
    const file = join(corpus, rel);
    let error: unknown;
    try {
      const { body } = readScheduleYaml({ file, scope, collector });
      expect(scheduleContractProblems(body)).toEqual([]);
      count('loads');
      return;
    } catch (e) {
      error = e;
    }
    const reasons = expectLocatedReasons(error, file, REASONS);
    for (const r of new Set(reasons)) count(`fails: ${r}`);
  });

  afterAll(() => {
    console.log(`monitor-yaml.test tally:\n${Object.entries(tally).sort().map(([k, n]) => `  ${String(n).padStart(3)}  ${k}`).join('\n')}`);
  });
}
