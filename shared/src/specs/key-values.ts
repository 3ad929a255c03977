/**
 * Text inputs that carry a string map (the `tags` and `properties` inputs): a YAML or JSON mapping, `k=v` lines,
 * or comma-separated `k=v` pairs.
 */
import { isMap, isScalar, parseDocument, type Node } from 'yaml';
import { inputError } from '../core/errors';
import { alignWithPyYaml } from './pyyaml-scalars';
import { scalarText } from './scalar-text';

const FORMATS = "a YAML/JSON mapping ('a: 1' or '{\"a\": \"1\"}'), 'k=v' lines, or 'k1=v1, k2=v2'";

function fromMapping(text: string, inputName: string): Record<string, string> | undefined {
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  alignWithPyYaml(doc);
  const out: Record<string, string> = {};
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? scalarText(pair.key as Node) : undefined;
    if (typeof key !== 'string' || key.trim() === '') {
      throw inputError(`Input '${inputName}': every key must be a non-empty string`, { input: inputName });
    }
    const value = scalarText((pair.value ?? undefined) as Node | undefined);
    if (value === undefined) {
      throw inputError(`Input '${inputName}': the value of '${key}' must be a plain value, not a list or mapping`, { input: inputName });
    }
    out[key] = value ?? '';
  }
  return out;
}

/** Strips one pair of matching surrounding quotes. */
export function unquote(v: string): string {
  const m = /^(["'])(.*)\1$/s.exec(v);
  return m ? m[2]! : v;
}

function fromPairs(text: string, inputName: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    // Split at commas that start another `key=`, so values may still contain commas.
    for (const part of trimmed.split(/,(?=\s*[^=,\s]+\s*=)/)) {
      const p = part.trim();
      if (p === '') continue;
      const eq = p.indexOf('=');
      const where = lines.length > 1 ? ` (line ${i + 1})` : '';
      if (eq <= 0) {
        throw inputError(`Input '${inputName}'${where}: cannot read '${p}': expected ${FORMATS}`, { input: inputName });
      }
      const key = p.slice(0, eq).trim();
      if (key === '') throw inputError(`Input '${inputName}'${where}: a key is empty in '${p}'`, { input: inputName });
      out[key] = unquote(p.slice(eq + 1).trim());
    }
  });
  return out;
}

/** Parses a string map given as text; empty text gives `{}`. Errors name the input. */
export function parseKeyValues(text: string, inputName: string): Record<string, string> {
  if (text.trim() === '') return {};
  // `desc=a: b` is also a YAML mapping ({'desc=a': 'b'}); text whose every line starts with `key=` is read as pairs.
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.every((l) => /^[^\s:={}[\]"']+\s*=/.test(l))) return fromPairs(text, inputName);
  return fromMapping(text, inputName) ?? fromPairs(text, inputName);
}
