/**
 * The champion a candidate is gated against: the version holding the alias (default `champion`), else the newest
 * active version; never the candidate itself.
 */
import type { ModelVersion } from '../azureml/resources';
import type { GateChampion } from '../gate/evaluate';
import { recordedMetrics } from '../gate/recorded-metrics';
import { DEFAULT_ALIAS, holdsAlias } from './aliases';
import { newestFirst, type ModelStore } from './model-store';

export interface Champion {
  name: string;
  version: ModelVersion;
  /** How it was chosen */
  via: 'alias' | 'latest';
  alias: string;
}

export async function findChampion(
  store: ModelStore,
  name: string,
  opts: { alias?: string; exclude?: string } = {},
): Promise<Champion | undefined> {
  const alias = opts.alias ?? DEFAULT_ALIAS;
  const versions = (await store.listVersions(name)).filter((v) => String(v.name) !== opts.exclude).sort(newestFirst);
  const holder = versions.find((v) => holdsAlias(v, alias));
  if (holder) return { name, version: holder, via: 'alias', alias };
  const latest = versions[0];
  return latest ? { name, version: latest, via: 'latest', alias } : undefined;
}

/** The champion as the gate sees it: a label and the metrics recorded on it. */
export function gateChampion(champion: Champion | undefined): GateChampion | undefined {
  if (!champion) return undefined;
  const how = champion.via === 'alias' ? `alias ${champion.alias}` : 'latest';
  return { label: `${champion.name}:${champion.version.name} (${how})`, metrics: recordedMetrics(champion.version) };
}
