import { CliHost } from '../src/hosts/cli';
import type { StepDefinition } from '../src/steps/definition';
import { loadAllSteps, loadStep } from '../src/steps/registry';
import { runStep } from '../src/steps/runner';
import { isStepError } from '../src/core/errors';
import { parseStepArgs, stepHelp } from './args';

/** The top-level help; it lists every step, so only it loads every definition (a step's run loads its own). */
const usage = (steps: readonly StepDefinition[]): string => `aml-lifecycle: carry an Azure ML model through its lifecycle from a terminal or any CI system.

Usage:
  aml-lifecycle <step> [--flag value ...]   run a lifecycle step (outputs: JSON on stdout, logs on stderr)
  aml-lifecycle <step> --help               the step's flags
  aml-lifecycle emulator [--state-dir DIR]  run the local Azure ML emulator (local mode)
  aml-lifecycle demo                        run the lifecycle demo against a fresh local emulator
  aml-lifecycle init --ci github|azure-pipelines [--dir DIR] [--force]
                                            write the CI templates and starter files into a repository

Steps:
${steps.map((s) => `  ${s.id.padEnd(16)} ${s.title}`).join('\n')}

Local mode (no Azure subscription needed):
  aml-lifecycle emulator &                  start the emulator; it prints the path of its env.sh
  . .aml-emulator/env.sh                    point every step at it (workspace, registry, sign-in)

Examples (local mode):
${steps.filter((s) => s.cliExample).map((s) => `  aml-lifecycle ${s.cliExample}`).join("\n")}

Against Azure, sign in with OIDC in CI, AZURE_CLIENT_ID + AZURE_CLIENT_SECRET, a managed identity or 'az login',
and name the workspace with --subscription-id, --resource-group and --workspace (or AML_* variables).`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    const step = rest[0] ? await loadStep(rest[0]) : undefined;
    process.stdout.write((step ? stepHelp(step) : usage(await loadAllSteps())) + '\n');
    return 0;
  }
  if (command === 'emulator') {
    const { runEmulatorCommand } = await import('../emulator/src/main');
    return runEmulatorCommand(rest);
  }
  if (command === 'init') {
    const { runInit } = await import('./init');
    return runInit(rest);
  }
  if (command === 'demo') {
    const { runDemo } = await import('./demo');
    return runDemo(rest);
  }
  const step = await loadStep(command);
  if (!step) {
    process.stderr.write(`Unknown command '${command}'.\n\n${usage(await loadAllSteps())}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseStepArgs(step, rest);
  } catch (e) {
    process.stderr.write(`error: ${isStepError(e) ? e.message + (e.hint ? `\n${e.hint}` : '') : String(e)}\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(stepHelp(step) + '\n');
    return 0;
  }
  const host = new CliHost({ flags: parsed.flags, verbose: parsed.verbose, summaryFile: process.env.AML_SUMMARY_FILE || undefined });
  const ok = await runStep(step, host);
  process.stdout.write(JSON.stringify(host.outputs, null, 2) + '\n');
  return ok ? 0 : 1;
}
