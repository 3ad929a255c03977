/** staging-checks' inputs and policy, all checked before anything is sent or read in full. */
import { isAbsolute, resolve } from 'node:path';
import { inputError } from '../../core/errors';
import { loadPolicy, parseDataLines, parseSetLines } from '../../checks/policy';
import type { Policy } from '../../checks/policy/types';
import { needsDeployment } from '../../checks/runners';
import { isJobCheck } from '../../checks/job/spec';
import type { StepContext } from '../definition';

export interface StagingPlan {
  policy: Policy;
  /** Set when a check sends requests to a deployment */
  target?: { endpoint: string; deployment: string; champion?: string };
  resultFile: string;
  junitFile: string;
  /** The workspace is needed (a deployment, a workspace dataset, or a check that runs as a job) */
  needsWorkspace: boolean;
}

function outputPath(ctx: StepContext, name: 'result-file' | 'junit-file', fallback: string): string {
  const raw = ctx.inputs.string(name) ?? fallback;
  if (raw.includes('\0')) throw inputError(`Input '${name}' is not a usable path.`, { input: name });
  return isAbsolute(raw) ? raw : resolve(raw);
}

export function readStagingPlan(ctx: StepContext): StagingPlan {
  const file = ctx.inputs.required('policy-file');
  const overrides = {
    inputs: { endpoint: 'endpoint-name', deployment: 'deployment-name', champion: 'champion-deployment', data: 'data' },
    ...(ctx.inputs.string('endpoint-name') ? { endpoint: ctx.inputs.string('endpoint-name')! } : {}),
    ...(ctx.inputs.string('deployment-name') ? { deployment: ctx.inputs.string('deployment-name')! } : {}),
    ...(ctx.inputs.string('champion-deployment') ? { champion: ctx.inputs.string('champion-deployment')! } : {}),
    ...(ctx.inputs.string('data') ? { data: parseDataLines(ctx.inputs.string('data')!, 'data') } : {}),
    ...(ctx.inputs.string('set') ? { set: parseSetLines(ctx.inputs.string('set')!, 'set') } : {}),
  };
  const policy = loadPolicy(file, { overrides });
  const resultFile = outputPath(ctx, 'result-file', 'staging-checks/result.json');
  const junitFile = outputPath(ctx, 'junit-file', 'staging-checks/junit.xml');
  if (resultFile === junitFile) throw inputError("Inputs 'result-file' and 'junit-file' name the same file.", { input: 'junit-file' });

  let target: StagingPlan['target'];
  if (policy.checks.some(needsDeployment)) {
    const endpoint = policy.target.endpoint?.value;
    const deployment = policy.target.deployment?.value;
    if (!endpoint) throw inputError(`A check sends requests to a deployment: give 'endpoint-name' (or target.endpoint in ${file}).`, { input: 'endpoint-name' });
    if (!deployment) throw inputError(`A check sends requests to a deployment: give 'deployment-name' (or target.deployment in ${file}).`, { input: 'deployment-name' });
    // Their names were checked by the policy reader (from the file or the inputs, which apply first).
    target = { endpoint, deployment, ...(policy.target.champion ? { champion: policy.target.champion.value } : {}) };
  }
  const needsWorkspace =
    target !== undefined || policy.checks.some(isJobCheck) || [...policy.data.values()].some((d) => d.kind === 'remote' && !/^https:\/\//i.test(d.path));
  return { policy, ...(target ? { target } : {}), resultFile, junitFile, needsWorkspace };
}
