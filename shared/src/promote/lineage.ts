/**
 * Lineage recorded as tags on a registry model version (tags, because the copy is created by the service and only
 * tags and description of an existing version may change). Keys:
 *   lineage.source_workspace   ARM id of the source workspace          (promotion)
 *   lineage.source_model       name:version in that workspace          (promotion)
 *   lineage.source_asset       azureml://locations/… id of the source  (promotion, when known)
 *   lineage.content_sha256     content hash of the uploaded folder     (registration from local files)
 *   lineage.promoted_at / lineage.registered_at    ISO 8601 time
 *   lineage.ci, lineage.run_url, lineage.commit, lineage.repository, lineage.ref, lineage.actor   the CI run
 *   lineage.approver           when the pipeline names one
 *   lineage.tool               aml-lifecycle
 * and on the SOURCE workspace version, written just before the copy starts:
 *   promoted_to.<registry>     <destination name>:<destination version>
 * so that a rerun after a copy that finished but was not followed by its lineage write (a dropped connection, a
 * cancelled job) can tell its own copy from a version someone else put there.
 */
import type { RunContext } from '../hosts/host';

export const LINEAGE_PREFIX = 'lineage.';
export const LINEAGE_KEYS = {
  sourceWorkspace: 'lineage.source_workspace',
  sourceModel: 'lineage.source_model',
  sourceAsset: 'lineage.source_asset',
  contentHash: 'lineage.content_sha256',
  ci: 'lineage.ci',
  runUrl: 'lineage.run_url',
  commit: 'lineage.commit',
  repository: 'lineage.repository',
  ref: 'lineage.ref',
  actor: 'lineage.actor',
  approver: 'lineage.approver',
  tool: 'lineage.tool',
} as const;

export interface LineageInput {
  event: 'promoted' | 'registered';
  at: Date;
  run: RunContext;
  approver?: string;
  sourceWorkspace?: string;
  /** name:version */
  sourceModel?: string;
  sourceAsset?: string;
  contentHash?: string;
}

export function lineageTags(l: LineageInput): Record<string, string> {
  const entries: Array<[string, string | undefined]> = [
    [LINEAGE_KEYS.sourceWorkspace, l.sourceWorkspace],
    [LINEAGE_KEYS.sourceModel, l.sourceModel],
    [LINEAGE_KEYS.sourceAsset, l.sourceAsset],
    [LINEAGE_KEYS.contentHash, l.contentHash],
    [`${LINEAGE_PREFIX}${l.event}_at`, l.at.toISOString()],
    [LINEAGE_KEYS.ci, l.run.system],
    [LINEAGE_KEYS.runUrl, l.run.runUrl],
    [LINEAGE_KEYS.commit, l.run.commit],
    [LINEAGE_KEYS.repository, l.run.repository],
    [LINEAGE_KEYS.ref, l.run.ref],
    [LINEAGE_KEYS.actor, l.run.actor],
    [LINEAGE_KEYS.approver, l.approver?.trim() || undefined],
    [LINEAGE_KEYS.tool, 'aml-lifecycle'],
  ];
  return Object.fromEntries(entries.filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}

export const PROMOTED_TO_PREFIX = 'promoted_to.';

export function promotedToTag(registry: string): string {
  return `${PROMOTED_TO_PREFIX}${registry}`;
}

/** The lineage tags among a version's tags. */
export function lineageOf(tags: Record<string, string> | null | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {}).filter(([k]) => k.startsWith(LINEAGE_PREFIX)));
}

/** Whether recorded lineage says the version came from this workspace model version (ARM ids compare case-insensitively). */
export function fromSource(tags: Record<string, string> | null | undefined, sourceWorkspace: string, sourceModel: string): boolean | undefined {
  const ws = tags?.[LINEAGE_KEYS.sourceWorkspace];
  const model = tags?.[LINEAGE_KEYS.sourceModel];
  if (ws === undefined && model === undefined) return undefined;
  return ws?.toLowerCase() === sourceWorkspace.toLowerCase() && model === sourceModel;
}
