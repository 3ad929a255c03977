/**
 * Kubernetes resource quantities as instance types and container requests write them: CPU in cores or millicores
 * (`500m`, `1`, `2.5`), memory in bytes with a binary or decimal suffix (`512Mi`, `4Gi`, `1G`), GPUs as a count.
 */

const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|k|K|M|G|T|P)?$/;
const MEMORY_FACTOR: Record<string, number> = {
  '': 1,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
};

/** Cores, or undefined when `value` is not a CPU quantity. */
export function parseCpu(value: string): number | undefined {
  const m = CPU.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 'm' ? n / 1000 : n;
}

/** Bytes, or undefined when `value` is not a memory quantity. */
export function parseMemory(value: string): number | undefined {
  const m = MEMORY.exec(value.trim());
  if (!m) return undefined;
  return Number(m[1]) * MEMORY_FACTOR[m[2] ?? '']!;
}

/** A GPU count (a whole number), or undefined. */
export function parseGpu(value: string): number | undefined {
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

export type ResourceName = 'cpu' | 'memory' | 'nvidia.com/gpu';

export function parseQuantity(resource: string, value: string): number | undefined {
  if (resource === 'cpu') return parseCpu(value);
  if (resource === 'memory') return parseMemory(value);
  if (resource === 'nvidia.com/gpu' || resource === 'gpu') return parseGpu(value);
  return undefined;
}

/** How a quantity reads to a person: `1.5 cores`, `4 GiB`. */
export function formatQuantity(resource: string, n: number): string {
  if (resource === 'cpu') return `${Number(n.toFixed(3))} core${n === 1 ? '' : 's'}`;
  if (resource === 'memory') return `${Number((n / 2 ** 30).toFixed(2))} GiB`;
  return `${n}`;
}
