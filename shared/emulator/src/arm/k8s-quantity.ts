/**
 * Kubernetes resource quantities (`500m`, `2`, `2.5`, `512Mi`, `4Gi`, `1G`, `1e3`): parsing to base units (cores,
 * bytes, devices) and printing them back for messages, and the request ≤ limit rule Kubernetes applies to a
 * container's resources.
 */

const QUANTITY = /^(\+?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** The value of a quantity in base units, or undefined when the text is not a (non-negative) quantity. */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const s = m[2];
  if (s === undefined) return n;
  if (/^[eE][+-]?\d+$/.test(s)) return n * 10 ** Number(s.slice(1));
  return n * SUFFIX[s];
}

/** GPUs (`nvidia.com/gpu`) are whole devices. */
export function parseDeviceCount(text: string): number | undefined {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

export const GPU_RESOURCE = 'nvidia.com/gpu';

/** Parses the quantity of a named resource (devices for GPUs); undefined when invalid. */
export function parseResource(resource: string, text: string): number | undefined {
  return resource === GPU_RESOURCE || resource === 'gpu' ? parseDeviceCount(text) : parseQuantity(text);
}

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
