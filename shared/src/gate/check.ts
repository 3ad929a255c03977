/** The champion/challenger gate as a step runs it: inputs read and checked locally, evaluated before any write. */
import { evaluateGate, type GateResult } from './evaluate';
import type { Metrics } from './metrics-file';
import { recordedMetrics } from './recorded-metrics';
import type { GateRule } from './rules';
import { gateFailure, gateTable } from './summary';
import type { ModelVersion } from '../azureml/resources';
import { findChampion, gateChampion } from '../promote/champion';
import type { ModelStore } from '../promote/model-store';
import type { Host } from '../hosts/host';

export interface GateSettings {
  rules?: GateRule[];
  /** Candidate metrics from the `metrics` file, when given */
  metrics?: Metrics;
  force: boolean;
  championAlias: string;
  alias?: string;
  approver?: string;
}

export interface GateOutcome {
  result?: GateResult;
  forced: boolean;
  /** Markdown for the summary (empty when there is no gate) */
  markdown: string;
}

/**
 * Compare the candidate with the champion in `store` and stop (throw) when a rule fails and force is off.
 * `candidate` is the version being gated when it already exists (its recorded metrics are the default).
 */
export async function checkGate(
  settings: GateSettings,
  store: ModelStore,
  name: string,
  candidate: { version?: string; recorded?: ModelVersion },
  host: Host,
): Promise<GateOutcome> {
  if (!settings.rules) return { forced: false, markdown: '' };
  const metrics = settings.metrics ?? (candidate.recorded ? recordedMetrics(candidate.recorded) : {});
  const champion = await findChampion(store, name, { alias: settings.championAlias, exclude: candidate.version });
  const result = evaluateGate(settings.rules, metrics, gateChampion(champion));
  const subject = `${name}${candidate.version ? `:${candidate.version}` : ''}`;
  if (result.passed) {
    host.info(`Gate passed: ${result.rules.length} rule${result.rules.length === 1 ? '' : 's'} against ${result.champion?.label ?? 'no champion'}.`);
    return { result, forced: false, markdown: gateTable(result) };
  }
  if (!settings.force) {
    await host.summary(gateTable(result));
    throw gateFailure(result, subject);
  }
  host.warning(`Gate failed for ${subject} but force is set: going ahead.`);
  return { result, forced: true, markdown: gateTable(result, { forced: true }) };
}
