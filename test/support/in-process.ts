/**
 * Running a step in-process against a test emulator: the step's own source through runStep with a recording host
 * (no bundle, no child process), signing in with the emulator's first app's secret from inputs alone.
 */
import type { JournalEntry } from '../../shared/cli/emulator-control';
import type { StepDefinition } from '../../shared/src/steps/definition';
import { runStep } from '../../shared/src/steps/runner';
import { RecordingHost } from '../unit/steps/recording-host';
import { during } from './arm-reader';
import type { TestEmulator } from './emulator';

/** The emulator's workspace and Custom cloud, and a service-principal sign-in (no environment variables). */
export function connectionInputs(t: TestEmulator): Record<string, string> {
  const world = t.world as unknown as { identity: { tenantId: string; apps: { appId: string; secrets: { value: string }[] }[] } };
  const app = world.identity.apps[0]!;
  return {
    'subscription-id': t.env.AZURE_SUBSCRIPTION_ID,
    'resource-group': t.env.AML_RESOURCE_GROUP,
    workspace: t.env.AML_WORKSPACE,
    'auth-type': 'service-principal',
    'tenant-id': world.identity.tenantId,
    'client-id': app.appId,
    'client-secret': app.secrets[0]!.value,
    cloud: 'Custom',
    'arm-endpoint': t.env.AML_ARM_ENDPOINT,
    'authority-host': t.env.AML_AUTHORITY_HOST,
    'arm-audience': t.env.AML_ARM_AUDIENCE,
    'ml-audience': t.env.AML_ML_AUDIENCE,
  };
}

export interface InProcessRun {
  ok: boolean;
  host: RecordingHost;
  outputs: Record<string, string>;
  /** The emulator's journal during the run */
  journal: JournalEntry[];
  summary: string;
  info: string;
  /** The step's failure message, '' when it succeeded */
  failed: string;
}

/** Runs `step` with the connection inputs plus `values` (GitHub host kind), recording the emulator's journal. */
export async function runInProcess(t: TestEmulator, step: StepDefinition, values: Record<string, string>): Promise<InProcessRun> {
  const host = new RecordingHost('github', { ...connectionInputs(t), ...values });
  const { result: ok, journal } = await during(t, () => runStep(step, host));
  const text = (level: 'summary' | 'info' | 'failed') => host.of(level).map((r) => r.message).join('\n');
  return { ok, host, outputs: host.outputs, journal, summary: text('summary'), info: text('info'), failed: text('failed') };
}
