/**
 * Kubernetes resource quantities as instance types and container requests write them (`500m`, `2`, `2.5`, `512Mi`,
 * `4Gi`, `1G`, `1e3`): parsed to base units (cores, bytes, devices). One grammar for the steps and the emulator.
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

export const GPU_RESOURCE = 'nvidia.com/gpu';

/** The value of a quantity in base units, or undefined when the text is not a (non-negative) quantity. */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const s = m[2];
  if (s === undefined) return n;
  if (/^[eE][+-]?\d+$/.test(s)) return n * 10 ** Number(s.slice(1));
  return n * SUFFIX[s]!;
}

/** GPUs (`nvidia.com/gpu`) are whole devices. */
export function parseDeviceCount(text: string): number | undefined {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

/** The quantity of a named resource (devices for GPUs); undefined when invalid. */
export function parseResource(resource: string, text: string): number | undefined {
  return resource === GPU_RESOURCE || resource === 'gpu' ? parseDeviceCount(text) : parseQuantity(text);
}

/** Cores. */
export const parseCpu = (text: string): number | undefined => parseQuantity(text);
/** Bytes. */
export const parseMemory = (text: string): number | undefined => parseQuantity(text);

/** How a quantity reads to a person: `1.5 cores`, `4 GiB`. */
export function formatQuantity(resource: string, n: number): string {
  if (resource === 'cpu') return `${Number(n.toFixed(3))} core${n === 1 ? '' : 's'}`;
  if (resource === 'memory') return `${Number((n / 2 ** 30).toFixed(2))} GiB`;
  return `${n}`;
}
