/**
 * The README's main command: `npm run demo` runs the CLI bundle's demo, which starts its own emulator and carries the
 * sample model through the GitHub action, the Azure DevOps task and the CLI, then promotes it twice.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runNode } from '../../shared/cli/runners';
import { REPO } from '../support/emulator';

const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');

test('the demo succeeds in every host, shows summaries (not progress logs), removes its state and says what to do next', async () => {
  // A fresh machine: no CA trust set up beforehand (the demo makes and trusts its own).
  const r = await runNode(CLI, ['demo'], { PATH: process.env.PATH, HOME: process.env.HOME }, REPO);
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toMatch(/Demo finished: every step succeeded\./);
  expect(r.stdout.match(/^exit code 0$/gm)).toHaveLength(5);
  // Step 3 (the CLI) shows its summary like the others, not its progress log.
  const step3 = r.stdout.slice(r.stdout.indexOf('3/5 CLI'), r.stdout.indexOf('4/5 '));
  expect(step3).toMatch(/summary:\n.*\S/);
  expect(step3).not.toMatch(/^\s*(…|▸) /m);
  // The state folder it announced is gone, as it said it would be.
  const state = /^state: +(\S+) \(removed after the demo; --keep keeps it\)$/m.exec(r.stdout)?.[1];
  expect(state).toBeDefined();
  expect(existsSync(state!)).toBe(false);
  expect(r.stdout).toMatch(/Next: try your own model/);
  expect(r.stdout).toMatch(/emulator &/);
  expect(r.stdout).toMatch(/register-model --model-name my-model/);
  // Nothing a runner or agent would act on.
  for (const line of r.stdout.split('\n')) expect(line).not.toMatch(/^\s*(::|##vso\[|##\[)/);
}, 240_000);
