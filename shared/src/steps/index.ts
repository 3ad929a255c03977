/**
 * Every step definition, loaded eagerly: for the build (generate, manifests, schema checks) and the tests. Entry
 * points use the lazy ./registry instead, so that a run evaluates only its own step's definition.
 */
import type { StepDefinition } from './definition';
import { configureMonitorsStep } from './configure-monitors/definition';
import { deployArcStep } from './deploy-arc/definition';
import { deployBatchStep } from './deploy-batch/definition';
import { deployOnlineStep } from './deploy-online/definition';
import { promoteModelStep } from './promote-model/definition';
import { registerModelStep } from './register-model/definition';
import { stagingChecksStep } from './staging-checks/definition';

/** Every lifecycle step, in lifecycle order (the order of ./registry's stepIds). */
export const steps: StepDefinition[] = [registerModelStep, promoteModelStep, stagingChecksStep, deployOnlineStep, deployArcStep, deployBatchStep, configureMonitorsStep];

export function findStep(id: string): StepDefinition | undefined {
  return steps.find((s) => s.id === id);
}
