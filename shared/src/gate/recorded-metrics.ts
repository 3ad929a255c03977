/**
 * Metrics recorded on a model version. The convention:
 * - a property `metrics.<name>` whose value is a number (`metrics.accuracy: "0.91"`) is metric `<name>`;
 * - otherwise a property `<name>` whose value is a number (`accuracy: "0.91"`), as MLflow autologging and
 *   `az ml model create --set properties.accuracy=0.91` leave them;
 * - tags are read the same way, as a fallback for names no property carries.
 * Properties win over tags, and `metrics.<name>` over a bare `<name>`. The register and promote steps record a
 * candidate's metrics file as `metrics.<name>` properties, so the next run finds them on its champion.
 */
import type { Metrics } from './metrics-file';

export const METRIC_PREFIX = 'metrics.';

interface WithMaps {
  properties?: { properties?: Record<string, string> | null; tags?: Record<string, string> | null } | null;
}

function numeric(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : undefined;
}

function read(map: Record<string, string> | null | undefined, out: Metrics): void {
  const entries = Object.entries(map ?? {});
  // Bare names first, so that `metrics.<name>` overrides them.
  for (const [k, v] of entries) {
    const n = numeric(v);
    if (n !== undefined && !k.startsWith(METRIC_PREFIX) && !(k in out)) out[k] = n;
  }
  for (const [k, v] of entries) {
    const n = numeric(v);
    if (n !== undefined && k.startsWith(METRIC_PREFIX) && k.length > METRIC_PREFIX.length) out[k.slice(METRIC_PREFIX.length)] = n;
  }
}

/** The numeric metrics a model version carries in its properties (then tags). */
export function recordedMetrics(version: WithMaps): Metrics {
  const fromProps: Metrics = {};
  read(version.properties?.properties, fromProps);
  const fromTags: Metrics = {};
  read(version.properties?.tags, fromTags);
  return { ...fromTags, ...fromProps };
}

/** Metrics as model version properties (`metrics.<name>`), in the form recordedMetrics reads back. */
export function metricsAsProperties(metrics: Metrics): Record<string, string> {
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [`${METRIC_PREFIX}${k}`, String(v)]));
}
