/**
 * The step registry the entry points use (GitHub actions, Azure DevOps tasks, the CLI): every step's id in
 * lifecycle order and how to load its definition. Ids are listed here, statically, so a host can name, check and
 * list steps without evaluating any definition; each `import()` is its own lazily loaded chunk in the bundles, so
 * an action or task evaluates only its own step's definition and input lists. The full, eagerly loaded list for
 * the build and the tests is `steps` in ./index, checked against this one by test/unit/steps/registry.test.ts.
 */
import type { StepDefinition } from './definition';

export interface StepEntry {
  readonly id: string;
  load(): Promise<StepDefinition>;
}

export const stepRegistry: readonly StepEntry[] = [
  { id: 'register-model', load: async () => (await import('./register-model/definition')).registerModelStep },
  { id: 'promote-model', load: async () => (await import('./promote-model/definition')).promoteModelStep },
  { id: 'staging-checks', load: async () => (await import('./staging-checks/definition')).stagingChecksStep },
  { id: 'deploy-online', load: async () => (await import('./deploy-online/definition')).deployOnlineStep },
  { id: 'deploy-arc', load: async () => (await import('./deploy-arc/definition')).deployArcStep },
  { id: 'deploy-batch', load: async () => (await import('./deploy-batch/definition')).deployBatchStep },
  { id: 'configure-monitors', load: async () => (await import('./configure-monitors/definition')).configureMonitorsStep },
];

/** Every step id, in lifecycle order. */
export const stepIds: readonly string[] = stepRegistry.map((e) => e.id);

/** The definition of step `id` (only that one is loaded), or undefined when no step has that id. */
export async function loadStep(id: string): Promise<StepDefinition | undefined> {
  const entry = stepRegistry.find((e) => e.id === id);
  if (!entry) return undefined;
  const step = await entry.load();
  if (step.id !== id) throw new Error(`aml-lifecycle: the registry's '${id}' loads the definition of '${step.id}' (a build problem)`);
  return step;
}

/** Every definition, in lifecycle order: for listings such as the CLI's --help. */
export function loadAllSteps(): Promise<StepDefinition[]> {
  return Promise.all(stepIds.map(async (id) => (await loadStep(id))!));
}
