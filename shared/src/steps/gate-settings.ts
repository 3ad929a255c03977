/** The gate inputs read and checked, for the steps' runs (kept apart from the definitions so it loads lazily). */
import { resolve } from 'node:path';
import type { GateSettings } from '../gate/check';
import { loadMetrics } from '../gate/metrics-file';
import { parseGateRules } from '../gate/rules';
import { validateAlias } from '../promote/aliases';
import type { StepInputs } from './inputs';

/** Everything the gate needs from the inputs; errors name the input or the file:line. */
export function readGateSettings(inputs: StepInputs): GateSettings {
  const rulesText = inputs.string('gate');
  const metricsFile = inputs.string('metrics');
  const alias = inputs.string('alias');
  return {
    rules: rulesText ? parseGateRules(rulesText, 'gate') : undefined,
    metrics: metricsFile ? loadMetrics(resolve(metricsFile)) : undefined,
    force: inputs.boolean('force'),
    championAlias: validateAlias(inputs.string('champion-alias') ?? 'champion', 'champion-alias'),
    alias: alias ? validateAlias(alias, 'alias') : undefined,
    approver: inputs.string('approver'),
  };
}
