/** Where a final value came from: a YAML file position, a step input, or a built-in default. */
import { formatLocation, inputError, type SourceLocation, type StepError } from '../core/errors';

export type ValueSource =
  | { kind: 'yaml'; location: SourceLocation }
  | { kind: 'input'; input: string }
  | { kind: 'default' };

export function describeSource(source: ValueSource): string {
  switch (source.kind) {
    case 'yaml':
      return formatLocation(source.location);
    case 'input':
      return `input '${source.input}'`;
    case 'default':
      return 'the default';
  }
}

/** An input error about a value, pointing at the YAML position or naming the input it came from. */
export function valueError(source: ValueSource, message: string, hint?: string): StepError {
  if (source.kind === 'yaml') {
    return inputError(`${formatLocation(source.location)}: ${message}`, { location: source.location, hint });
  }
  if (source.kind === 'input') return inputError(`Input '${source.input}': ${message}`, { input: source.input, hint });
  return inputError(message, { hint });
}
