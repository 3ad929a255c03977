import { StepError } from '../../../shared/src/core/errors';
import type { HostKind } from '../../../shared/src/hosts/host';
import type { StepDefinition } from '../../../shared/src/steps/definition';
import { StepInputs } from '../../../shared/src/steps/inputs';
import { RecordingHost } from './recording-host';

const step: StepDefinition = {
  id: 'probe',
  title: 'Probe',
  description: 'probe',
  task: { name: 'Probe', id: '00000000-0000-4000-8000-000000000002', category: 'Utility', version: { major: 1, minor: 0, patch: 0 } },
  inputs: [
    { name: 'model-name', type: 'string', description: '', required: true },
    { name: 'dry-run', type: 'boolean', description: '', default: 'false' },
    { name: 'wait', type: 'boolean', description: '', default: 'true' },
    { name: 'flag', type: 'boolean', description: '' },
    { name: 'count', type: 'number', description: '' },
    { name: 'mode', type: 'choice', options: ['Alpha', 'beta'], default: 'Alpha', description: '' },
    { name: 'kind', type: 'choice', options: ['one', 'two'], description: '' },
    { name: 'timeout', type: 'string', description: '', default: '30m' },
    { name: 'blank-default', type: 'string', description: '', default: '' },
    { name: 'gh-only', type: 'string', description: '', hosts: ['github', 'cli'], default: 'gh-default' },
    { name: 'ado-only', type: 'string', description: '', hosts: ['azure-devops'] },
    { name: 'api-key', type: 'string', description: '', secret: true },
  ],
  outputs: [],
  run: async () => undefined,
};

function inputs(values: Record<string, string>, kind: HostKind = 'github') {
  const host = new RecordingHost(kind, values);
  return { host, inputs: new StepInputs(step, host) };
}

/** The StepError a call throws (fails the test if it does not throw one). */
function stepError(fn: () => unknown): StepError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StepError) return e;
    throw e;
  }
  throw new Error('expected a StepError');
}

describe('StepInputs', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  });

  test('string: the given value, else the declared default, else undefined (an empty default is none)', () => {
    const { inputs: i } = inputs({ 'model-name': ' churn ' });
    expect(i.string('model-name')).toBe('churn');
    expect(i.string('timeout')).toBe('30m');
    expect(i.string('count')).toBeUndefined();
    expect(i.string('blank-default')).toBeUndefined();
  });

  test('string: falls back to AML_<NAME> before the default', () => {
    process.env.AML_TIMEOUT = '5m';
    expect(inputs({}).inputs.string('timeout')).toBe('5m');
  });

  test('an undeclared input name is a programming error, not a user error', () => {
    const { inputs: i } = inputs({});
    expect(() => i.string('nope')).toThrow("step probe has no input 'nope'");
    expect(() => i.string('nope')).not.toThrow(StepError);
  });

  test('given: true only when the user gave the input, not for defaults', () => {
    process.env.AML_COUNT = '3';
    const { inputs: i } = inputs({ 'model-name': 'x' });
    expect(i.given('model-name')).toBe(true);
    expect(i.given('count')).toBe(true);
    expect(i.given('timeout')).toBe(false);
    expect(i.given('mode')).toBe(false);
  });

  test('host-restricted inputs: other hosts never read them (nor their AML_* variable) and get the default', () => {
    process.env.AML_GH_ONLY = 'from-env';
    process.env.AML_ADO_ONLY = 'from-env';
    const ado = inputs({ 'gh-only': 'given', 'ado-only': 'given' }, 'azure-devops');
    expect(ado.inputs.string('gh-only')).toBe('gh-default');
    expect(ado.inputs.given('gh-only')).toBe(false);
    expect(ado.inputs.string('ado-only')).toBe('given');
    expect(ado.host.reads).not.toContain('gh-only');

    const gh = inputs({ 'ado-only': 'given' }, 'github');
    expect(gh.inputs.string('ado-only')).toBeUndefined();
    expect(gh.inputs.given('ado-only')).toBe(false);
    expect(gh.inputs.string('gh-only')).toBe('from-env');
    const cli = inputs({ 'gh-only': 'flag' }, 'cli');
    expect(cli.inputs.string('gh-only')).toBe('flag');
  });

  test('required: the value, or an input error naming the input', () => {
    expect(inputs({ 'model-name': 'churn' }).inputs.required('model-name')).toBe('churn');
    const e = stepError(() => inputs({}).inputs.required('model-name'));
    expect(e.kind).toBe('input');
    expect(e.input).toBe('model-name');
    expect(e.message).toBe("Input 'model-name' is required.");
    const why = stepError(() => inputs({}).inputs.required('count', 'when the model file has none'));
    expect(why.message).toBe("Input 'count' is required when the model file has none.");
  });

  test('required: a default satisfies it', () => {
    expect(inputs({}).inputs.required('timeout')).toBe('30m');
  });

  test.each([
    ['true', true], ['TRUE', true], ['yes', true], ['1', true], ['on', true], ['On', true],
    ['false', false], ['False', false], ['no', false], ['0', false], ['off', false],
  ])('boolean %j → %s', (text, value) => {
    expect(inputs({ flag: text }).inputs.boolean('flag')).toBe(value);
  });

  test('boolean: absent is false; a default applies', () => {
    const { inputs: i } = inputs({});
    expect(i.boolean('flag')).toBe(false);
    expect(i.boolean('dry-run')).toBe(false);
    expect(i.boolean('wait')).toBe(true);
    expect(inputs({ wait: 'false' }).inputs.boolean('wait')).toBe(false);
  });

  test('boolean: anything else is an input error naming the input and the value', () => {
    const e = stepError(() => inputs({ 'dry-run': 'maybe' }).inputs.boolean('dry-run'));
    expect(e.kind).toBe('input');
    expect(e.input).toBe('dry-run');
    expect(e.message).toBe("Input 'dry-run' must be true or false, got 'maybe'.");
  });

  test('number: parsed; absent is undefined; non-numbers are input errors', () => {
    expect(inputs({ count: '42' }).inputs.number('count')).toBe(42);
    expect(inputs({ count: '-1.5' }).inputs.number('count')).toBe(-1.5);
    expect(inputs({}).inputs.number('count')).toBeUndefined();
    for (const bad of ['abc', '12abc', 'Infinity', 'NaN']) {
      const e = stepError(() => inputs({ count: bad }).inputs.number('count'));
      expect(e.input).toBe('count');
      expect(e.message).toBe(`Input 'count' must be a number, got '${bad}'.`);
    }
  });

  test('choice: matched case-insensitively and returned as declared; default applies', () => {
    expect(inputs({ mode: 'ALPHA' }).inputs.choice('mode')).toBe('Alpha');
    expect(inputs({ mode: 'Beta' }).inputs.choice('mode')).toBe('beta');
    expect(inputs({}).inputs.choice('mode')).toBe('Alpha');
    expect(inputs({}).inputs.choice('kind')).toBeUndefined();
  });

  test('choice: an unknown value is an input error listing the options', () => {
    const e = stepError(() => inputs({ mode: 'gamma' }).inputs.choice('mode'));
    expect(e.input).toBe('mode');
    expect(e.message).toBe("Input 'mode' must be one of Alpha, beta; got 'gamma'.");
  });

  test('durationMs: parsed; default applies; zero and nonsense are input errors', () => {
    expect(inputs({ timeout: '90s' }).inputs.durationMs('timeout')).toBe(90_000);
    expect(inputs({}).inputs.durationMs('timeout')).toBe(1_800_000);
    expect(inputs({}).inputs.durationMs('count')).toBeUndefined();
    for (const bad of ['0', '0s', 'PT0S', 'soon']) {
      const e = stepError(() => inputs({ timeout: bad }).inputs.durationMs('timeout'));
      expect(e.input).toBe('timeout');
      expect(e.message).toBe(`Input 'timeout' must be a duration such as 90s, 30m, 1h or PT30M; got '${bad}'.`);
    }
  });

  test('reading a secret input masks it in everything the host prints afterwards', () => {
    const { host, inputs: i } = inputs({ 'api-key': 'k3y-value-abcdef' });
    expect(i.string('api-key')).toBe('k3y-value-abcdef');
    host.info('using k3y-value-abcdef');
    expect(host.of('info')).toEqual([{ level: 'info', message: 'using ***' }]);
  });
});
