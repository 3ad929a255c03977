/**
 * Aligns plain scalars with PyYAML's implicit YAML 1.1 resolvers, which `az ml` uses through `yaml.safe_load`.
 * The yaml package's 1.1 schema is broader: it reads `y`/`n` as booleans, `.` as a float and `1e5` as a number,
 * where PyYAML keeps strings (`path: .` must stay a path).
 */
import { isScalar, visit, type Document } from 'yaml';

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const INT = /^(?:[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT =
  /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

export function alignWithPyYaml(doc: Document): void {
  visit(doc, {
    Scalar(_key, node) {
      if (!isScalar(node) || node.type !== 'PLAIN' || typeof node.source !== 'string') return;
      const src = node.source;
      if (typeof node.value === 'boolean' && !BOOL.test(src)) node.value = src;
      else if (typeof node.value === 'number' && !INT.test(src) && !FLOAT.test(src)) node.value = src;
    },
  });
}
