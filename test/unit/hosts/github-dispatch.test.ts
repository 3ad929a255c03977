import { dispatchGitHubAction } from '../../../shared/src/hosts/github-dispatch';
import { steps } from '../../../shared/src/steps';

// The root action's dispatcher, in process: @actions/core reads INPUT_* when called, so setting the variable is
// enough. Only the invalid-step paths are driven here; running a real step needs Azure (see test/e2e).

describe('dispatchGitHubAction', () => {
  let written: string;
  const saved = { step: process.env.INPUT_STEP, exitCode: process.exitCode };
  beforeEach(() => {
    written = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += chunk.toString();
      return true;
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.exitCode = saved.exitCode;
    if (saved.step === undefined) delete process.env.INPUT_STEP;
    else process.env.INPUT_STEP = saved.step;
  });

  test('an empty step input fails with the list of steps', async () => {
    delete process.env.INPUT_STEP;
    await expect(dispatchGitHubAction()).resolves.toBe(false);
    expect(process.exitCode).toBe(1);
    expect(written).toBe(`::error::Invalid input: 'step' must be one of ${steps.map((s) => s.id).join(', ')} (it is empty).\n`);
  });

  test('an unknown step fails naming what was given', async () => {
    process.env.INPUT_STEP = '  deploy-to-mars ';
    await expect(dispatchGitHubAction()).resolves.toBe(false);
    expect(process.exitCode).toBe(1);
    expect(written).toBe(`::error::Invalid input: 'step' must be one of ${steps.map((s) => s.id).join(', ')}; got 'deploy-to-mars'.\n`);
  });
});
