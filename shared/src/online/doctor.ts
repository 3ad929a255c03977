/**
 * The pre-flight doctor: everything that would fail ten minutes into a deployment, checked before any write.
 * Each finding names the input it comes from and says what to do; any finding stops the step.
 */
import type { OnlineDeployment, OnlineEndpoint } from '../azureml/resources';
import { StepError } from '../core/errors';

export interface Finding {
  input: string;
  problem: string;
  fix: string;
  /** A shortage of quota or capacity (the step's error is then a quota error). */
  quota?: boolean;
}

/** A reference that must exist: the input it comes from, what it is, and a check returning false when missing. */
export interface AssetReference {
  input: string;
  what: string;
  exists: () => Promise<boolean>;
}

const BUSY = new Set(['creating', 'updating', 'deleting', 'scaling']);

/** The endpoint or one of its deployments busy with another operation. */
export function busyFindings(endpoint: OnlineEndpoint | undefined, deployments: OnlineDeployment[]): Finding[] {
  const findings: Finding[] = [];
  const endpointState = endpoint?.properties.provisioningState?.toLowerCase();
  if (endpointState && BUSY.has(endpointState)) {
    findings.push({ input: 'endpoint-name', problem: `Endpoint '${endpoint!.name}' is ${endpoint!.properties.provisioningState} (another operation is in progress).`, fix: 'Wait for it to finish, then rerun.' });
  }
  for (const d of deployments) {
    const st = d.properties.provisioningState?.toLowerCase();
    if (st && BUSY.has(st)) findings.push({ input: 'endpoint-name', problem: `Deployment '${d.name}' is ${d.properties.provisioningState}.`, fix: 'Wait for that operation to finish, then rerun.' });
  }
  return findings;
}

/** Model, environment and code must exist. */
export async function referenceFindings(references: AssetReference[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const r of references) {
    if (!(await r.exists())) findings.push({ input: r.input, problem: `${r.what} does not exist.`, fix: 'Register it first, or correct the reference.' });
  }
  return findings;
}

export function doctorError(findings: Finding[]): StepError {
  // One line (messages never span lines): (1) input: problem fix (2) …
  const items = findings.map((f, i) => `(${i + 1}) ${f.input}: ${f.problem} ${f.fix}`);
  return new StepError(findings.some((f) => f.quota) ? 'quota' : 'input', `The pre-flight checks found ${findings.length} problem${findings.length === 1 ? '' : 's'}; nothing was written: ${items.join(' ')}`, {
    input: findings[0]?.input,
  });
}
