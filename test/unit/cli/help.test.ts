import { parseStepArgs } from '../../../shared/cli/args';
import { main } from '../../../shared/cli/main';
import { steps } from '../../../shared/src/steps';

/** Splits a one-line shell command on spaces outside single quotes. */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

async function help(): Promise<string> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  try {
    expect(await main(['--help'])).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return chunks.join('');
}

describe('top-level help', () => {
  test('shows local mode (emulator, env.sh) and every step with an example', async () => {
    const text = await help();
    expect(text).toMatch(/Local mode/);
    expect(text).toMatch(/aml-lifecycle emulator/);
    expect(text).toMatch(/env\.sh/);
    for (const s of steps) {
      expect(text).toContain(`  ${s.id}`);
      expect(text).toContain(`aml-lifecycle ${s.cliExample}`);
    }
  });

  test.each(steps.map((s) => [s.id, s] as const))('%s: the example names the step and its flags parse', (_id, step) => {
    expect(step.cliExample).toBeDefined();
    const [command, ...args] = words(step.cliExample!);
    expect(command).toBe(step.id);
    const parsed = parseStepArgs(step, args);
    expect(Object.keys(parsed.flags).length).toBeGreaterThan(0);
  });
});
