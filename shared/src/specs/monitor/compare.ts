/**
 * What differs between the schedule asked for and the one live, after both are normalised as the service
 * normalises (enum spelling, window durations, defaults), so that a rerun with the same inputs sees no difference
 * and writes nothing. Signals and tags the desired body no longer has are differences too (common/subset-diff).
 */
import type { Json } from '../common/contract-checker';
import { subsetDifferences } from '../common/subset-diff';
import { normalizeSchedule } from './normalize';
import type { ScheduleBody } from './types';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The differences, `path: live → desired` (paths below `properties`), empty when the live schedule is as desired. */
export function scheduleDifferences(desired: ScheduleBody, live: unknown): string[] {
  const { provisioningState: _ignored, ...wanted } = normalizeSchedule(desired).properties as Json;
  const l = isObject(live) && isObject(live.properties) ? (normalizeSchedule(live) as Json).properties : undefined;
  return subsetDifferences(wanted, l ?? {}, ['action.monitorDefinition.signals', 'tags']);
}
