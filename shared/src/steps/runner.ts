import { deadlineError, startDeadline, type Deadline } from '../core/deadline';
import { describeError } from '../core/describe-error';
import { inputError, isStepError, type ErrorKind, type StepError } from '../core/errors';
import type { Host } from '../hosts/host';
import { taskInputName } from '../hosts/inputs';
import type { StepDefinition } from './definition';
import { StepInputs } from './inputs';
import { checkConnectionInputs } from './connection-inputs';

const KIND_LABEL: Record<ErrorKind, string> = {
  input: 'Invalid input',
  auth: 'Authentication failed',
  'not-found': 'Not found',
  quota: 'Quota exceeded',
  conflict: 'Conflict',
  transient: 'Azure did not respond reliably',
  network: 'Could not connect',
  service: 'Azure Machine Learning reported a failure',
  checks: 'Checks failed',
  timeout: 'Timed out',
  cancelled: 'Cancelled',
};

/**
 * Input names and settings as the host's users write them. Messages quote an input as 'model-name' and a setting as
 * 'force: true'; a workflow shows them as written, an Azure DevOps task with its camelCase names (modelName), the
 * CLI names inputs as written (they are its flag names) and settings as flags ('--force', '--timeout 20m').
 */
export function forHost(text: string, host: Pick<Host, 'kind'>, step: Pick<StepDefinition, 'inputs'>): string {
  let out = text;
  // Longest names first, so 'registry-resource-group' is not read as 'registry' followed by more text.
  const names = step.inputs.map((i) => i.name).sort((a, b) => b.length - a.length);
  for (const name of names) {
    const shown = host.kind === 'azure-devops' ? taskInputName(name) : name;
    out = out.replace(new RegExp(`'${name}: ([^']*)'`, 'g'), (_m, value: string) =>
      host.kind === 'cli' ? (value === 'true' ? `'--${name}'` : `'--${name} ${value}'`) : `'${shown}: ${value}'`,
    );
    out = out.split(`'${name}'`).join(`'${shown}'`);
  }
  return out;
}

export function describeStepError(e: StepError, host: Host, step: StepDefinition): string {
  const lines = [`${KIND_LABEL[e.kind]}: ${forHost(e.message, host, step)}`];
  if (e.hint) lines.push(`What to do: ${forHost(e.hint, host, step)}`);
  return lines.join('\n');
}

function missingRequired(step: StepDefinition, host: Host, inputs: StepInputs): string[] {
  return step.inputs
    .filter((i) => i.required && (!i.hosts || i.hosts.includes(host.kind)))
    .filter((i) => inputs.string(i.name) === undefined)
    .map((i) => (host.kind === 'azure-devops' ? taskInputName(i.name) : host.kind === 'cli' ? `--${i.name}` : i.name));
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
/** How long past the deadline a step may take to wind down (abort what is in flight) before it is reported as timed out. */
const GRACE_MS = 2000;

/**
 * Run the step, but give up GRACE_MS after the deadline even when something inside ignores the signal: the timeout
 * is reported and a process kept alive only by that leftover work exits soon after.
 */
function runUntilDeadline(run: Promise<void>, deadline: Deadline): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    const onAbort = (): void => {
      timer = setTimeout(() => {
        reject(deadline.expired() ?? deadline.signal.reason);
        setTimeout(() => process.exit(process.exitCode ?? 1), 1000).unref();
      }, GRACE_MS);
      timer.unref();
    };
    if (deadline.signal.aborted) onAbort();
    else deadline.signal.addEventListener('abort', onAbort, { once: true });
  });
  run.catch(() => undefined);
  return Promise.race([run, late]).finally(() => clearTimeout(timer));
}

/**
 * The one error boundary of every entry point: run the step, report a user error as such (with its file:line when
 * known) and anything else as a bug with its stack in the debug output. Resolves to true on success.
 */
export async function runStep(step: StepDefinition, host: Host): Promise<boolean> {
  const inputs = new StepInputs(step, host);
  let deadline: Deadline | undefined;
  // A step left waiting on something nothing keeps alive would let Node exit with code 0, as if it had succeeded.
  const stalled = (): void => {
    host.setFailed(
      `Unexpected error in aml-lifecycle ${step.id} (this is a bug, please report it with the debug log): the step stopped before it finished, waiting on something that can no longer happen.`,
    );
    process.exitCode = 1;
  };
  process.once('beforeExit', stalled);
  try {
    const missing = missingRequired(step, host, inputs);
    if (missing.length > 0) {
      throw inputError(`Missing required input${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`, {
        input: missing[0],
        hint: `${host.kind === 'cli' ? 'Pass them as flags' : host.kind === 'azure-devops' ? 'Set them in the task\'s inputs' : 'Set them in the step\'s with:'} (or as AML_* environment variables); nothing was sent to Azure.`,
      });
    }
    checkConnectionInputs(step, inputs);
    const timeoutMs = step.inputs.some((i) => i.name === 'timeout') ? inputs.durationMs('timeout') : undefined;
    deadline = startDeadline(timeoutMs ?? DEFAULT_TIMEOUT_MS, host.signal);
    await runUntilDeadline(step.run({ host, inputs, deadline }), deadline);
    return true;
  } catch (caught) {
    const e = deadlineError(deadline, caught) ?? caught;
    if (isStepError(e)) {
      const message = describeStepError(e, host, step);
      if (e.cause instanceof Error && e.cause.stack) host.debug(e.cause.stack);
      host.setFailed(message, e.location);
      // A terminal already shows the error; runners and agents show the summary on the run's page.
      if (host.kind !== 'cli') await host.summary(`### ❌ ${step.title} failed\n\n${message.replace(/\n/g, '\n\n')}\n`).catch(() => undefined);
    } else {
      const err = e instanceof Error ? e : new Error(describeError(e));
      host.debug(err.stack ?? err.message);
      host.setFailed(
        `Unexpected error in aml-lifecycle ${step.id} (this is a bug, please report it with the debug log): ${describeError(err)}`,
      );
    }
    return false;
  } finally {
    process.off('beforeExit', stalled);
    deadline?.clear();
  }
}
