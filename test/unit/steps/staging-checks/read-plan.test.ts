import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDeadline } from '../../../../shared/src/core/deadline';
import { stagingChecksStep } from '../../../../shared/src/steps/staging-checks/definition';
import { readStagingPlan } from '../../../../shared/src/steps/staging-checks/read-plan';
import { StepInputs } from '../../../../shared/src/steps/inputs';
import { RecordingHost } from '../recording-host';
import { caught } from '../../specs/online/helpers';

const dir = mkdtempSync(join(tmpdir(), 'sc-plan-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const SMOKE = 'version: 1\ntarget:\n  endpoint: credit-ep\n  deployment: green\nchecks:\n  - name: smoke\n    type: smoke\n    requests:\n      - body: {data: [[1]]}\n';
const DATA = 'version: 1\ndata:\n  a: a.csv\n  b: azureml:b-data:2\nchecks:\n  - name: q\n    type: data_quality\n    baseline: a\n    target: b\n';

function plan(values: Record<string, string>) {
  const host = new RecordingHost('github', values);
  return readStagingPlan({ host, inputs: new StepInputs(stagingChecksStep, host), deadline: startDeadline(60_000) });
}

test('a check that scores needs the endpoint and deployment; inputs override the policy target', () => {
  const p = plan({ 'policy-file': file('smoke.yml', SMOKE), 'deployment-name': 'blue' });
  expect(p.target).toEqual({ endpoint: 'credit-ep', deployment: 'blue' });
  expect(p.needsWorkspace).toBe(true);
  expect(p.resultFile).toBe(resolve('staging-checks/result.json'));
  expect(p.junitFile).toBe(resolve('staging-checks/junit.xml'));
});

test('data checks on local files need no workspace; a workspace dataset does', () => {
  writeFileSync(join(dir, 'a.csv'), 'x\n1\n');
  const local = plan({ 'policy-file': file('local.yml', DATA.replace('azureml:b-data:2', 'a.csv')) });
  expect(local.target).toBeUndefined();
  expect(local.needsWorkspace).toBe(false);
  expect(plan({ 'policy-file': file('remote.yml', DATA) }).needsWorkspace).toBe(true);
  expect(plan({ 'policy-file': file('https.yml', DATA.replace('azureml:b-data:2', 'https://example.org/b.csv')) }).needsWorkspace).toBe(false);
});

test.each([
  [{ 'policy-file': SMOKE.replace('  endpoint: credit-ep\n', '') }, 'endpoint-name', /give 'endpoint-name'/],
  [{ 'policy-file': SMOKE, 'deployment-name': '-bad' }, 'deployment-name', /deployment-name/],
  [{ 'policy-file': SMOKE, 'result-file': 'out/x.json', 'junit-file': 'out/x.json' }, 'junit-file', /name the same file/],
  [{ 'policy-file': SMOKE, set: 'checks.smoke.nope=1' }, 'set', /nope/],
])('%j is refused naming %s', (values, input, message) => {
  const e = caught(() => plan({ ...values, 'policy-file': file(`bad-${input}.yml`, values['policy-file']) }));
  expect(e.input).toBe(input);
  expect(e.message).toMatch(message);
});
