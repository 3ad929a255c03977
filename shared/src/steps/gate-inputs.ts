import type { InputDefinition } from './definition';

/** The champion/challenger gate and alias inputs, shared by register-model and promote-model. */
export const gateInputs: InputDefinition[] = [
  {
    name: 'metrics',
    type: 'string',
    description:
      "JSON or YAML file of the candidate's metrics (a flat map, `{metrics: {...}}` or an MLflow run). Default: the metrics recorded on the model version (`metrics.<name>` properties).",
    group: 'gate',
  },
  {
    name: 'gate',
    type: 'multiline',
    description:
      'Rules the candidate must pass, one per line: `accuracy >= champion - 0.01`, `rmse <= 2.5`, `auc >= 0.8`. The champion is the version holding `champion-alias`, else the latest.',
    group: 'gate',
  },
  { name: 'force', type: 'boolean', default: 'false', description: 'Go ahead even when the gate fails (recorded as a warning in the summary).', group: 'gate' },
  { name: 'champion-alias', type: 'string', default: 'champion', description: 'Alias that marks the champion the gate compares against.', group: 'gate' },
  { name: 'alias', type: 'string', description: 'Move this alias (a tag `alias.<name>`) to the new version, from whichever version held it.', group: 'gate' },
  { name: 'approver', type: 'string', description: 'Who approved this change, recorded as lineage (e.g. from an environment approval).', group: 'gate' },
];
