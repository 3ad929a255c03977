import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { StepError, inputError } from '../../../shared/src/core/errors';
import type { HostKind } from '../../../shared/src/hosts/host';
import type { StepContext, StepDefinition } from '../../../shared/src/steps/definition';
import { describeStepError, forHost, runStep } from '../../../shared/src/steps/runner';
import { RecordingHost } from './recording-host';

function probe(run: (ctx: StepContext) => Promise<void>): StepDefinition {
  return {
    id: 'probe-step',
    title: 'Probe step',
    description: 'probe',
    task: { name: 'ProbeStep', id: '00000000-0000-4000-8000-000000000003', category: 'Utility', version: { major: 1, minor: 0, patch: 0 } },
    inputs: [
      { name: 'azure-subscription', type: 'service-connection', description: '', required: true, hosts: ['azure-devops'] },
      { name: 'resource-group', type: 'string', description: '', required: true },
      { name: 'workspace', type: 'string', description: '', required: true },
      { name: 'model-name', type: 'string', description: '' },
      { name: 'timeout', type: 'string', description: '', required: true, default: '30m' },
      { name: 'client-secret', type: 'string', description: '', secret: true, hosts: ['github', 'cli'] },
    ],
    outputs: [],
    run,
  };
}

const complete = { 'resource-group': 'rg', workspace: 'ws-main', 'azure-subscription': 'conn-1' };

async function go(kind: HostKind, values: Record<string, string>, run: (ctx: StepContext) => Promise<void>) {
  const host = new RecordingHost(kind, values);
  const ok = await runStep(probe(run), host);
  return { ok, host };
}

describe('runStep', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  });

  test('runs the step with its inputs and resolves true; nothing is failed', async () => {
    const { ok, host } = await go('github', complete, async ({ host: h, inputs }) => {
      h.setOutput('workspace', inputs.required('workspace'));
    });
    expect(ok).toBe(true);
    expect(host.outputs).toEqual({ workspace: 'ws-main' });
    expect(host.of('failed')).toEqual([]);
  });

  test.each([
    ['workspace', { workspace: 'x' }, /^Invalid input: Input 'workspace' is not a valid workspace name: 'x'/],
    ['resource-group', { 'resource-group': 'rg.' }, /^Invalid input: Input 'resource-group' is not a valid resource group name: 'rg\.'/],
  ])('a malformed %s fails before the step (and its modules) run', async (_name, bad, message) => {
    let ran = false;
    const { ok, host } = await go('github', { ...complete, ...bad }, async () => {
      ran = true;
    });
    expect(ok).toBe(false);
    expect(ran).toBe(false);
    expect(host.of('failed')).toHaveLength(1);
    expect(host.of('failed')[0].message).toMatch(message);
  });

  test('missing required inputs are all listed in one input error, before the step runs', async () => {
    let ran = false;
    const { ok, host } = await go('github', {}, async () => {
      ran = true;
    });
    expect(ok).toBe(false);
    expect(ran).toBe(false);
    const failed = host.of('failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].message).toBe(
      'Invalid input: Missing required inputs: resource-group, workspace.\n' +
        "What to do: Set them in the step's with: (or as AML_* environment variables); nothing was sent to Azure.",
    );
  });

  test('one missing input is named in the singular; defaults and AML_* variables satisfy required inputs', async () => {
    process.env.AML_WORKSPACE = 'ws-from-env';
    const { host } = await go('cli', {}, async () => undefined);
    expect(host.of('failed')[0].message).toMatch(/^Invalid input: Missing required input: --resource-group\.\nWhat to do: Pass them as flags/);
  });

  test('on Azure DevOps, required inputs include the connection and are named in camelCase', async () => {
    const { host } = await go('azure-devops', {}, async () => undefined);
    expect(host.of('failed')[0].message).toMatch(/^Invalid input: Missing required inputs: azureSubscription, resourceGroup, workspace\.\n/);
  });

  test('a StepError becomes "<kind label>: message" with its hint, failed at its location, plus a failure summary', async () => {
    const location = { file: 'models/model.yml', line: 7, column: 3 };
    const { ok, host } = await go('github', complete, async () => {
      throw inputError("Input 'model-name' must be lowercase.", { input: 'model-name', hint: "Rename 'model-name'.", location });
    });
    expect(ok).toBe(false);
    expect(host.of('failed')).toEqual([
      { level: 'failed', message: "Invalid input: Input 'model-name' must be lowercase.\nWhat to do: Rename 'model-name'.", location },
    ]);
    expect(host.of('summary')).toEqual([
      {
        level: 'summary',
        message: "### ❌ Probe step failed\n\nInvalid input: Input 'model-name' must be lowercase.\n\nWhat to do: Rename 'model-name'.\n",
      },
    ]);
  });

  test('on Azure DevOps, quoted input names in the message and hint are rendered in camelCase', async () => {
    const { host } = await go('azure-devops', complete, async () => {
      throw inputError("Input 'model-name' conflicts with 'resource-group'; 'other-thing' is untouched.", { hint: "Remove 'model-name'." });
    });
    expect(host.of('failed')[0].message).toBe(
      "Invalid input: Input 'modelName' conflicts with 'resourceGroup'; 'other-thing' is untouched.\nWhat to do: Remove 'modelName'.",
    );
  });

  test.each([
    ['auth', 'Authentication failed'],
    ['not-found', 'Not found'],
    ['quota', 'Quota exceeded'],
    ['conflict', 'Conflict'],
    ['transient', 'Azure did not respond reliably'],
    ['network', 'Could not connect'],
    ['service', 'Azure Machine Learning reported a failure'],
    ['timeout', 'Timed out'],
    ['cancelled', 'Cancelled'],
  ] as const)('a %s error is labelled "%s"', async (kind, label) => {
    const { host } = await go('cli', complete, async () => {
      throw new StepError(kind, 'it went wrong.');
    });
    expect(host.of('failed')[0].message).toBe(`${label}: it went wrong.`);
  });

  test("a StepError's cause goes to debug with its stack", async () => {
    const { host } = await go('cli', complete, async () => {
      throw new StepError('service', 'request failed.', { cause: new RangeError('socket hang up') });
    });
    expect(host.of('debug').some((r) => r.message.startsWith('RangeError: socket hang up\n    at '))).toBe(true);
    expect(host.of('failed')[0].message).toBe('Azure Machine Learning reported a failure: request failed.');
  });

  test('any other exception is reported as a bug; the stack is only in debug', async () => {
    const { ok, host } = await go('github', complete, async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'name')");
    });
    expect(ok).toBe(false);
    const failed = host.of('failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].message).toBe(
      "Unexpected error in aml-lifecycle probe-step (this is a bug, please report it with the debug log): Cannot read properties of undefined (reading 'name')",
    );
    expect(failed[0].location).toBeUndefined();
    const debug = host.of('debug');
    expect(debug.some((r) => r.message.startsWith("TypeError: Cannot read properties of undefined (reading 'name')\n    at "))).toBe(true);
    expect(host.of('summary')).toEqual([]);
  });

  test('a thrown non-Error is reported as a bug too', async () => {
    const { host } = await go('cli', complete, async () => {
      throw 'just a string';
    });
    expect(host.of('failed')[0].message).toMatch(/this is a bug.*: just a string$/);
  });

  test('a secret read during the step is masked in the failure message', async () => {
    const { host } = await go('github', { ...complete, 'client-secret': 'sup3r-s3cret-value' }, async ({ inputs }) => {
      throw inputError(`Secret ${inputs.required('client-secret')} was rejected.`);
    });
    expect(host.of('failed')[0].message).toBe('Invalid input: Secret *** was rejected.');
  });

  test('a failing summary does not hide the failure', async () => {
    const host = new RecordingHost('cli', complete);
    host.summary = () => Promise.reject(new Error('disk full'));
    const ok = await runStep(probe(async () => {
      throw inputError('bad.');
    }), host);
    expect(ok).toBe(false);
    expect(host.of('failed')[0].message).toBe('Invalid input: bad.');
  });
});

describe('describeStepError', () => {
  test('renders the label, the message and the hint on its own line', () => {
    const host = new RecordingHost('cli');
    const step = probe(async () => undefined);
    expect(describeStepError(new StepError('quota', 'No quota.', { hint: 'Ask for more.' }), host, step)).toBe(
      'Quota exceeded: No quota.\nWhat to do: Ask for more.',
    );
  });
});

describe('forHost: inputs and settings in the host vocabulary', () => {
  const inputs = [
    { name: 'force', type: 'boolean' as const, description: '' },
    { name: 'registry', type: 'string' as const, description: '' },
    { name: 'registry-resource-group', type: 'string' as const, description: '' },
    { name: 'timeout', type: 'string' as const, description: '' },
  ];
  const text = "set 'force: true' or 'timeout: 20m'; check 'registry' and 'registry-resource-group'";
  test.each([
    ['github', "set 'force: true' or 'timeout: 20m'; check 'registry' and 'registry-resource-group'"],
    ['azure-devops', "set 'force: true' or 'timeout: 20m'; check 'registry' and 'registryResourceGroup'"],
    ['cli', "set '--force' or '--timeout 20m'; check 'registry' and 'registry-resource-group'"],
  ] as const)('%s', (kind, expected) => {
    expect(forHost(text, { kind }, { inputs })).toBe(expected);
  });
  test('names that are not inputs are left alone', () => {
    expect(forHost("set 'colour: red'", { kind: 'cli' }, { inputs })).toBe("set 'colour: red'");
  });
});

describe('a step that can no longer finish', () => {
  // Only a process of its own shows what Node does when nothing is left to wait for.
  const script = (waitOn: string) => `
    const { runStep } = require(${JSON.stringify(require.resolve('../../../shared/src/steps/runner'))});
    const { RecordingHost } = require(${JSON.stringify(require.resolve('./recording-host'))});
    const host = new RecordingHost('github', { 'resource-group': 'rg', workspace: 'ws-main' });
    const step = { id: 'probe-step', title: 'Probe', description: '', task: {}, outputs: [],
      inputs: [{ name: 'resource-group', type: 'string', description: '', required: true }, { name: 'workspace', type: 'string', description: '', required: true }],
      run: () => ${waitOn} };
    runStep(step, host).then((ok) => console.log('resolved', ok));
    process.on('exit', () => console.log(JSON.stringify(host.of('failed'))));
  `;
  const run = (waitOn: string) =>
    spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script(waitOn)], { cwd: join(__dirname, '..', '..', '..'), encoding: 'utf8', timeout: 60_000 });

  test('fails with exit code 1 and says so, instead of exiting 0 as if it had succeeded', () => {
    const r = run('new Promise(() => undefined)');
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain('resolved');
    expect(r.stdout).toMatch(/"level":"failed","message":"Unexpected error in aml-lifecycle probe-step \(this is a bug.*the step stopped before it finished/);
  });

  test('a step still waiting on a timer is not cut short', () => {
    const r = run('new Promise((resolve) => setTimeout(resolve, 200))');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('resolved true');
    expect(r.stdout).toContain('[]');
  });
});
