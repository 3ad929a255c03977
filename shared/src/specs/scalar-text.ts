/**
 * The string `az ml` would send for a YAML scalar. The Python SDK stringifies with `str()`, so booleans become
 * `True`/`False` and floats keep a fractional part (`1.0`, not `1`).
 */
import { isScalar, type Node } from 'yaml';

function pythonFloat(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    // Python writes at least two exponent digits: 1e-05, 1e+16.
    return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}

/** True when the scalar was written as a float (`1.0`, `2e3`, `.inf`) rather than an integer. */
function writtenAsFloat(node: Node): boolean {
  const src = isScalar(node) && typeof node.source === 'string' ? node.source : '';
  if (/^[-+]?0x/i.test(src)) return false;
  return /[.eE]/.test(src) || /inf|nan/i.test(src);
}

/**
 * The text of a scalar node, or undefined when the node is null or is not a scalar (a list or mapping).
 * `null` (as opposed to undefined) means a YAML null (`key:` or `key: null`).
 */
export function scalarText(node: Node | undefined): string | null | undefined {
  if (node === undefined) return null;
  if (!isScalar(node)) return undefined;
  const v = node.value;
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return writtenAsFloat(node) ? pythonFloat(v) : String(v);
  if (typeof v === 'bigint') return v.toString();
  // YAML 1.1 timestamps: keep what the user wrote.
  if (v instanceof Date) return typeof node.source === 'string' ? node.source : v.toISOString();
  return String(v);
}
