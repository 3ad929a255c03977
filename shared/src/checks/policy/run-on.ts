/**
 * `run_on:` of a data check: run it as an Azure ML command job on a compute cluster instead of on the runner
 * (data larger than a runner should hold). `compute` names an AmlCompute cluster of the workspace; `environment`
 * (optional) an `azureml:<name>:<version>` environment with Node.js on PATH (default: one the step registers).
 */
import type { Node } from 'yaml';
import type { MapEntry } from '../../specs/yaml-source';
import type { PolicyReader } from './reader';
import type { RunOn } from './types';

export const RUN_ON_KEYS = ['compute', 'environment'] as const;

/** Azure ML compute names: a letter, then letters, digits and hyphens, 2 to 32 characters in all. */
export const COMPUTE_NAME = /^[A-Za-z][A-Za-z0-9-]{1,31}$/;
/** `azureml:<name>:<version>` (a version, not a label: the job must run what was checked). */
export const ENVIRONMENT_REF = /^azureml:([A-Za-z0-9_][\w.-]{0,254}):([\w.-]{1,64})$/;

export function readRunOn(r: PolicyReader, e: MapEntry | undefined, node: Node, why?: string): RunOn | undefined {
  if (!r.present(e)) return undefined;
  if (why) return r.fail(e.keyNode, `'run_on' cannot be used here: ${why}`, 'Run this check on the runner (leave run_on out), or give the outputs as a dataset column.');
  const m = r.map(e.value, 'run_on', RUN_ON_KEYS, e.keyNode);
  if (!m) return undefined;
  const at = r.entryAt(e);
  const c = r.required(m, 'compute', e.value ?? node, '(the name of an AmlCompute cluster of the workspace)');
  const compute = c ? r.str(c, 'compute') : undefined;
  if (compute !== undefined && !COMPUTE_NAME.test(compute)) {
    r.fail(c!.value, `'${compute}' is not a compute name: 2-32 letters, digits and hyphens, starting with a letter`);
    return undefined;
  }
  const env = r.str(m['environment'], 'environment');
  if (env !== undefined && !ENVIRONMENT_REF.test(env)) {
    r.fail(m['environment']!.value, `'environment' must be azureml:<name>:<version> (an environment of the workspace with Node.js 18 or later on PATH), not '${env}'`);
    return undefined;
  }
  if (compute === undefined) return undefined;
  return {
    compute: { value: compute, at: r.entryAt(c!) },
    ...(env !== undefined ? { environment: { value: env, at: r.entryAt(m['environment']!) } } : {}),
    at,
  };
}
