/** The error for a key a schema does not know, as `az ml` rejects it ("Unknown field"), with a did-you-mean. */
import type { Node } from 'yaml';
import type { YamlSource } from './yaml-source';

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

export function closestKey(key: string, allowed: readonly string[]): string | undefined {
  const k = key.toLowerCase().replace(/-/g, '_');
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = a === k ? 0 : editDistance(k, a);
    if (d < bestD) [best, bestD] = [a, d];
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

export function unknownKeyError(src: YamlSource, keyNode: Node, key: string, allowed: readonly string[], where?: string): Error {
  const guess = closestKey(key, allowed);
  const scope = where ? ` in '${where}'` : '';
  return src.error(
    `Unknown field '${key}'${scope}.${guess ? ` Did you mean '${guess}'?` : ''} Allowed fields: ${allowed.join(', ')}`,
    keyNode,
  );
}
