/**
 * The connection inputs' formats, checked by the error boundary before a step's own code is loaded: a mistyped
 * workspace, resource group, subscription ID or api-version fails in the time Node takes to start, before the step's
 * modules are compiled. The step checks them again where it reads them (workspace.ts), with the same functions.
 */
import { checkResourceGroup, checkSubscriptionId, checkWorkspaceName } from '../core/names';
import { checkApiVersion } from '../specs/api-version';
import type { StepDefinition } from './definition';
import type { StepInputs } from './inputs';

const CHECKS: ReadonlyArray<[name: string, check: (value: string, input: string) => unknown]> = [
  ['subscription-id', checkSubscriptionId],
  ['resource-group', checkResourceGroup],
  ['workspace', checkWorkspaceName],
  ['api-version', (v, input) => checkApiVersion(v.trim(), input)],
];

/** Checks each connection input `step` declares and that is given (a missing one is the step's to report). */
export function checkConnectionInputs(step: StepDefinition, inputs: StepInputs): void {
  for (const [name, check] of CHECKS) {
    if (!step.inputs.some((i) => i.name === name)) continue;
    const value = inputs.string(name);
    if (value !== undefined && value.trim() !== '') check(value, name);
  }
}
