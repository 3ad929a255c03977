import { inputError } from '../src/core/errors';
import type { StepDefinition } from '../src/steps/definition';

export interface ParsedArgs {
  flags: Record<string, string>;
  verbose: boolean;
  help: boolean;
}

/** The next argument is another flag or switch, not a value (so `--dry-run -v` and `--model-name --dry-run` parse). */
function isSwitch(arg: string | undefined): boolean {
  return arg === undefined || arg.startsWith('--') || arg === '-v' || arg === '-h';
}

/** Parse `--name value`, `--name=value` and bare boolean flags against a step's inputs. */
export function parseStepArgs(step: StepDefinition, argv: string[]): ParsedArgs {
  const known = new Map(step.inputs.filter((i) => !i.hosts || i.hosts.includes('cli')).map((i) => [i.name, i]));
  const flags: Record<string, string> = {};
  let verbose = false;
  let help = false;
  for (let n = 0; n < argv.length; n++) {
    const arg = argv[n];
    if (arg === '--verbose' || arg === '-v') {
      verbose = true;
      continue;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/s.exec(arg);
    if (!m) throw inputError(`Unexpected argument '${arg}'. Flags look like --model-name value.`);
    const def = known.get(m[1]);
    if (!def) {
      throw inputError(`Unknown flag --${m[1]} for ${step.id}. Run 'aml-lifecycle ${step.id} --help' for the list.`);
    }
    if (m[2] !== undefined) flags[def.name] = m[2];
    else if (!isSwitch(argv[n + 1])) flags[def.name] = argv[++n];
    else if (def.type === 'boolean') flags[def.name] = 'true';
    else {
      throw inputError(`Flag --${def.name} needs a value.`, {
        input: def.name,
        hint: `For a value that starts with --, write --${def.name}=<value>.`,
      });
    }
  }
  return { flags, verbose, help };
}

export function stepHelp(step: StepDefinition): string {
  const lines = [`aml-lifecycle ${step.id} [flags]`, '', step.description, '', 'Flags:'];
  for (const i of step.inputs.filter((x) => !x.hosts || x.hosts.includes('cli'))) {
    const meta = [i.required ? 'required' : '', i.default !== undefined ? `default ${i.default}` : '', i.options ? i.options.join('|') : '']
      .filter(Boolean)
      .join('; ');
    lines.push(`  --${i.name}${meta ? ` (${meta})` : ''}`, `      ${i.description}`);
  }
  lines.push('', 'Every flag can also come from the environment as AML_<NAME> (e.g. AML_RESOURCE_GROUP).');
  lines.push('Outputs are printed on stdout as one JSON object; logs and the summary go to stderr');
  lines.push('(the summary is appended to the file AML_SUMMARY_FILE names, when set).');
  return lines.join('\n');
}
