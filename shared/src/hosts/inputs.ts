import type { InputDefinition } from '../steps/definition';

/** Environment variable consulted for an input that was not given: AML_<NAME> (kebab → upper snake). */
export function inputEnvName(name: string): string {
  return `AML_${name.replace(/-/g, '_').toUpperCase()}`;
}

/** The ADO task input name for a kebab-case input: model-name → modelName. */
export function taskInputName(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** First non-empty value among the input's environment fallbacks. */
export function inputFromEnv(input: InputDefinition, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const key of [inputEnvName(input.name), ...(input.env ?? [])]) {
    const v = env[key];
    if (v !== undefined && v.trim() !== '') return v;
  }
  return undefined;
}
