import type { StepDefinition } from './definition';
import { registerModelStep } from './register-model';

/** Every lifecycle step, in lifecycle order. */
export const steps: StepDefinition[] = [registerModelStep];

export function findStep(id: string): StepDefinition | undefined {
  return steps.find((s) => s.id === id);
}
