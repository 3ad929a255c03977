/** Errors about a value of a policy, wherever it came from (the file, or a step input that overrode it). */
import { formatLocation, inputError, type StepError } from '../../core/errors';
import type { PolicyLocation } from './types';

/** How a location reads in messages: "policy.yml:12:7", "input 'set' line 3", "input 'deployment'". */
export function describeAt(at: PolicyLocation): string {
  if (at.input !== undefined) return at.inputLine === undefined ? `input '${at.input}'` : `input '${at.input}' line ${at.inputLine}`;
  return formatLocation(at);
}

/**
 * An input error about a policy value: `file:line:col: message` located at it, or `Input 'set' line 3: message`
 * naming the input that gave it. For the runner too (a dataset missing at run time is reported at its `at`).
 */
export function policyError(at: PolicyLocation, message: string, hint?: string): StepError {
  if (at.input !== undefined) {
    const where = at.inputLine === undefined ? `Input '${at.input}'` : `Input '${at.input}' line ${at.inputLine}`;
    return inputError(`${where}: ${message}`, { input: at.input, hint });
  }
  return inputError(`${formatLocation(at)}: ${message}`, { location: { file: at.file, line: at.line, column: at.column }, hint });
}
