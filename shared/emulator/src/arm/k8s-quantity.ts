/**
 * Kubernetes resource quantities in the emulator: the grammar is the steps' (`src/online/kubernetes-quantity.ts`);
 * here, printing them back for messages, and the request ≤ limit rule Kubernetes applies to a container's resources.
 */

import { GPU_RESOURCE, parseResource } from '../../../src/online/kubernetes-quantity';

export { GPU_RESOURCE, parseDeviceCount, parseQuantity, parseResource } from '../../../src/online/kubernetes-quantity';

function trim(n: number, digits: number): string {
  return String(Number(n.toFixed(digits)));
}

export function formatCpu(cores: number): string {
  if (Number.isInteger(cores)) return String(cores);
  const milli = cores * 1000;
  return Math.abs(milli - Math.round(milli)) < 1e-6 && cores < 1 ? `${Math.round(milli)}m` : trim(cores, 3);
}

export function formatMemoryGi(gi: number): string {
  return `${trim(gi, 2)}Gi`;
}

export const GI = 2 ** 30;

export type ResourceMap = Record<string, unknown>;

/**
 * Checks a requests/limits pair of resource maps (string quantities or null); `where` names the owner in messages
 * (e.g. "Instance type 'small'"), `label` names the field written: the map (no resource) or one of its entries.
 */
export function checkRequestsAndLimits(
  where: string,
  requests: unknown,
  limits: unknown,
  label: (map: 'requests' | 'limits', resource?: string) => string,
): string | undefined {
  const parsed: Record<'requests' | 'limits', Record<string, number>> = { requests: {}, limits: {} };
  for (const [map, value] of [['requests', requests], ['limits', limits]] as const) {
    if (value === undefined || value === null) continue;
    if (typeof value !== 'object' || Array.isArray(value)) return `${where}: ${label(map)} must be a map of resource name to quantity string.`;
    for (const [resource, q] of Object.entries(value as ResourceMap)) {
      if (q === null || q === undefined) continue;
      if (typeof q !== 'string') return `${where}: ${label(map, resource)} must be a quantity string such as '500m', '2' or '4Gi'; got ${JSON.stringify(q)}.`;
      const n = parseResource(resource, q);
      if (n === undefined) {
        const hint = resource === GPU_RESOURCE || resource === 'gpu' ? 'a whole number of GPUs such as \'1\'' : "a Kubernetes quantity such as '500m', '2', '512Mi' or '4Gi'";
        return `${where}: ${label(map, resource)} '${q}' is not valid; it must be ${hint}.`;
      }
      parsed[map][resource] = n;
    }
  }
  for (const [resource, req] of Object.entries(parsed.requests)) {
    const lim = parsed.limits[resource];
    if (lim !== undefined && req > lim) {
      const r = (requests as ResourceMap)[resource];
      const l = (limits as ResourceMap)[resource];
      return `${where}: ${label('requests', resource)} ('${String(r)}') exceeds ${label('limits', resource)} ('${String(l)}'); a request must not exceed its limit.`;
    }
  }
  return undefined;
}
