import { StepError } from '../../../shared/src/core/errors';
import type { StepDefinition } from '../../../shared/src/steps/definition';
import { parseStepArgs, stepHelp } from '../../../shared/cli/args';

const step: StepDefinition = {
  id: 'probe',
  title: 'Probe',
  description: 'Probe the argument parser.',
  task: { name: 'Probe', id: '00000000-0000-4000-8000-000000000004', category: 'Utility', version: { major: 1, minor: 0, patch: 0 } },
  inputs: [
    { name: 'azure-subscription', type: 'service-connection', description: 'ADO connection.', required: true, hosts: ['azure-devops'] },
    { name: 'model-name', type: 'string', description: 'Model name.', required: true },
    { name: 'tags', type: 'multiline', description: 'Tags.' },
    { name: 'dry-run', type: 'boolean', description: 'Plan only.', default: 'false' },
    { name: 'mode', type: 'choice', options: ['fast', 'safe'], default: 'safe', description: 'Mode.' },
    { name: 'client-secret', type: 'string', description: 'Secret.', secret: true, hosts: ['github', 'cli'] },
  ],
  outputs: [],
  run: async () => undefined,
};

function error(argv: string[]): StepError {
  try {
    parseStepArgs(step, argv);
  } catch (e) {
    if (e instanceof StepError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(argv)} to be rejected`);
}

describe('parseStepArgs', () => {
  test('--flag value and --flag=value', () => {
    expect(parseStepArgs(step, ['--model-name', 'churn', '--mode=fast']).flags).toEqual({ 'model-name': 'churn', mode: 'fast' });
  });

  test('--flag=value keeps everything after the first =, including = and newlines; --flag= is an empty value', () => {
    expect(parseStepArgs(step, ['--tags=a=b\nc=d']).flags).toEqual({ tags: 'a=b\nc=d' });
    expect(parseStepArgs(step, ['--model-name=']).flags).toEqual({ 'model-name': '' });
  });

  test('a value may start with a single dash or contain spaces', () => {
    expect(parseStepArgs(step, ['--model-name', '-x y']).flags).toEqual({ 'model-name': '-x y' });
  });

  test('a bare boolean flag is true, at the end or before another flag', () => {
    expect(parseStepArgs(step, ['--dry-run']).flags).toEqual({ 'dry-run': 'true' });
    expect(parseStepArgs(step, ['--dry-run', '--model-name', 'm']).flags).toEqual({ 'dry-run': 'true', 'model-name': 'm' });
  });

  test('a boolean flag takes an explicit value', () => {
    expect(parseStepArgs(step, ['--dry-run', 'false']).flags).toEqual({ 'dry-run': 'false' });
    expect(parseStepArgs(step, ['--dry-run=no']).flags).toEqual({ 'dry-run': 'no' });
  });

  test('a bare boolean flag before -v or -h leaves them switches', () => {
    expect(parseStepArgs(step, ['--dry-run', '-v'])).toEqual({ flags: { 'dry-run': 'true' }, verbose: true, help: false });
    expect(parseStepArgs(step, ['--dry-run', '-h'])).toEqual({ flags: { 'dry-run': 'true' }, verbose: false, help: true });
  });

  test('--verbose/-v and --help/-h anywhere', () => {
    expect(parseStepArgs(step, ['-v', '--model-name', 'm', '--help'])).toEqual({ flags: { 'model-name': 'm' }, verbose: true, help: true });
    expect(parseStepArgs(step, ['--verbose', '-h'])).toEqual({ flags: {}, verbose: true, help: true });
    expect(parseStepArgs(step, [])).toEqual({ flags: {}, verbose: false, help: false });
  });

  test('the last occurrence of a flag wins', () => {
    expect(parseStepArgs(step, ['--model-name', 'a', '--model-name=b']).flags).toEqual({ 'model-name': 'b' });
  });

  test('an unknown flag is an input error pointing at --help', () => {
    const e = error(['--model-nmae', 'x']);
    expect(e.kind).toBe('input');
    expect(e.message).toBe("Unknown flag --model-nmae for probe. Run 'aml-lifecycle probe --help' for the list.");
  });

  test('inputs of other hosts are not flags', () => {
    expect(error(['--azure-subscription', 'conn']).message).toMatch(/^Unknown flag --azure-subscription for probe\./);
    expect(parseStepArgs(step, ['--client-secret', 's']).flags).toEqual({ 'client-secret': 's' });
  });

  test('a flag without a value is an input error naming the input', () => {
    const e = error(['--model-name']);
    expect(e.input).toBe('model-name');
    expect(e.message).toBe('Flag --model-name needs a value.');
  });

  test('a flag followed by another flag has no value (it does not swallow the next flag)', () => {
    expect(error(['--model-name', '--dry-run']).message).toBe('Flag --model-name needs a value.');
    expect(error(['--model-name', '--mode', 'fast']).message).toBe('Flag --model-name needs a value.');
    expect(error(['--model-name', '-v']).hint).toBe('For a value that starts with --, write --model-name=<value>.');
    expect(parseStepArgs(step, ['--model-name=--odd']).flags).toEqual({ 'model-name': '--odd' });
  });

  test('positional arguments and malformed flags are rejected', () => {
    expect(error(['churn']).message).toBe("Unexpected argument 'churn'. Flags look like --model-name value.");
    expect(error(['-x']).message).toMatch(/^Unexpected argument '-x'/);
    expect(error(['--Model-Name', 'x']).message).toMatch(/^Unexpected argument '--Model-Name'/);
    expect(error(['--model-name', 'a', 'b']).message).toMatch(/^Unexpected argument 'b'/);
  });
});

describe('stepHelp', () => {
  const help = stepHelp(step);

  test('usage, description, and the CLI flags with what is required, defaults and options', () => {
    const lines = help.split('\n');
    expect(lines[0]).toBe('aml-lifecycle probe [flags]');
    expect(lines).toContain('Probe the argument parser.');
    expect(lines).toContain('  --model-name (required)');
    expect(lines).toContain('  --dry-run (default false)');
    expect(lines).toContain('  --mode (default safe; fast|safe)');
    expect(lines).toContain('  --tags');
    expect(lines).toContain('      Model name.');
  });

  test('lists every CLI input and nothing else', () => {
    const flags = help.split('\n').filter((l) => /^  --/.test(l)).map((l) => l.trim().split(' ')[0]);
    expect(flags).toEqual(['--model-name', '--tags', '--dry-run', '--mode', '--client-secret']);
  });

  test('explains the environment fallback and where outputs go', () => {
    expect(help).toContain('AML_<NAME>');
    expect(help).toContain('stdout');
  });
});
