/**
 * Whether a live deployment already runs what the step would write: every field the desired body sets has the
 * same value live (the service fills defaults the body leaves out, so only what the user asked for is compared).
 */
import type { OnlineDeploymentBody } from '../azureml/online';
import type { OnlineDeployment } from '../azureml/resources';

const IGNORED = new Set(['provisioningState']);

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  // Every key the desired side sets must match; keys only the live side has are service defaults.
  return Object.entries(a as Record<string, unknown>).every(([k, v]) => v === undefined || same(v, (b as Record<string, unknown>)[k]));
}

export function sameDeployment(desired: OnlineDeploymentBody, live: OnlineDeployment): boolean {
  const props = Object.fromEntries(Object.entries(desired.properties).filter(([k]) => !IGNORED.has(k)));
  if (!same(props, live.properties)) return false;
  return desired.sku?.capacity === undefined || desired.sku.capacity === (live.sku?.capacity ?? 1);
}
