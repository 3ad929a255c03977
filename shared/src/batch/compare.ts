/**
 * Comparing batch outputs (CSV-like rows, one per line): against an expected file (row count, then each value, numbers
 * within a tolerance), and a challenger against the current default on the same input (agreement rate and mean
 * absolute difference per column), with rules such as `agreement >= 95%` or `mae <= 0.05`.
 */
import { inputError } from '../core/errors';

export type Row = string[];

/** Rows of an output file: one per non-empty line, values split on commas (quotes kept simple: "a,b" stays one value). */
export function parseRows(text: string): Row[] {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const out: string[] = [];
      let cur = '';
      let quoted = false;
      for (const ch of line) {
        if (ch === '"') quoted = !quoted;
        else if (ch === ',' && !quoted) {
          out.push(cur.trim());
          cur = '';
        } else cur += ch;
      }
      out.push(cur.trim());
      return out;
    });
}

const num = (v: string | undefined): number | undefined => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

function sameValue(a: string | undefined, b: string | undefined, tolerance: number): boolean {
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) return Math.abs(x - y) <= tolerance;
  return (a ?? '') === (b ?? '');
}

/**
 * Pairs rows of two outputs: by their first value when it is a unique key on both sides naming the same rows (batch
 * outputs need not keep the input order; scripts usually write the file name first), else by position.
 */
export function pairRows(a: Row[], b: Row[]): { pairs: [Row, Row][]; by: 'key' | 'position' } {
  const keys = (rows: Row[]) => rows.map((r) => r[0] ?? '');
  const ka = keys(a);
  const kb = new Map(b.map((r) => [r[0] ?? '', r]));
  const unique = new Set(ka).size === a.length && kb.size === b.length && a.length === b.length && ka.every((k) => kb.has(k)) && ka.some((k) => num(k) === undefined);
  if (unique) return { pairs: a.map((r) => [r, kb.get(r[0] ?? '')!] as [Row, Row]), by: 'key' };
  const n = Math.min(a.length, b.length);
  return { pairs: Array.from({ length: n }, (_, i) => [a[i]!, b[i]!] as [Row, Row]), by: 'position' };
}

export interface ExpectedComparison {
  passed: boolean;
  rows: { actual: number; expected: number };
  mismatches: { row: number; column: number; actual: string; expected: string }[];
  by: 'key' | 'position';
}

/** The output against an expected file: the same number of rows, and every value equal (numbers within `tolerance`). */
export function compareWithExpected(actual: Row[], expected: Row[], tolerance: number): ExpectedComparison {
  const { pairs, by } = pairRows(expected, actual);
  const mismatches: ExpectedComparison['mismatches'] = [];
  pairs.forEach(([e, a], i) => {
    const width = Math.max(e.length, a.length);
    for (let c = 0; c < width; c++) if (!sameValue(a[c], e[c], tolerance)) mismatches.push({ row: i + 1, column: c + 1, actual: a[c] ?? '(missing)', expected: e[c] ?? '(missing)' });
  });
  return { passed: actual.length === expected.length && mismatches.length === 0, rows: { actual: actual.length, expected: expected.length }, mismatches, by };
}

export interface ChallengerComparison {
  rows: { challenger: number; champion: number; paired: number };
  /** Share of paired rows whose every value agrees (numbers within the tolerance), 0..1 */
  agreement: number;
  /** Mean absolute difference per numeric column (by column number, 1-based), over paired rows */
  mae: Record<number, number>;
  by: 'key' | 'position';
}

export function compareChallenger(challenger: Row[], champion: Row[], tolerance: number): ChallengerComparison {
  const { pairs, by } = pairRows(challenger, champion);
  let agree = 0;
  const sums: Record<number, { sum: number; n: number }> = {};
  for (const [x, y] of pairs) {
    let all = x.length === y.length;
    for (let c = 0; c < Math.max(x.length, y.length); c++) {
      if (!sameValue(x[c], y[c], tolerance)) all = false;
      const a = num(x[c]);
      const b = num(y[c]);
      if (a !== undefined && b !== undefined) {
        const s = (sums[c + 1] ??= { sum: 0, n: 0 });
        s.sum += Math.abs(a - b);
        s.n++;
      }
    }
    if (all) agree++;
  }
  const mae = Object.fromEntries(Object.entries(sums).map(([c, s]) => [Number(c), s.sum / s.n]));
  return { rows: { challenger: challenger.length, champion: champion.length, paired: pairs.length }, agreement: pairs.length ? agree / pairs.length : 0, mae, by };
}

export interface ComparisonRule {
  text: string;
  metric: 'agreement' | 'mae';
  op: '>=' | '<=' | '>' | '<';
  value: number;
}

/** `agreement >= 95%` (or 0.95), `mae <= 0.05` (the largest column MAE); one rule per line. */
export function parseComparisonRules(text: string | undefined, input: string): ComparisonRule[] {
  const rules: ComparisonRule[] = [];
  for (const [i, raw] of (text ?? '').split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(agreement|mae)\s*(>=|<=|>|<)\s*(\d+(?:\.\d+)?)(%?)$/i.exec(line);
    if (!m) throw inputError(`Input '${input}' line ${i + 1}: '${line}' is not a rule; write e.g. 'agreement >= 95%' or 'mae <= 0.05'.`, { input });
    const value = Number(m[3]) / (m[4] ? 100 : 1);
    const metric = m[1]!.toLowerCase() as ComparisonRule['metric'];
    if (metric === 'agreement' && value > 1) throw inputError(`Input '${input}' line ${i + 1}: an agreement is at most 100%.`, { input });
    rules.push({ text: line, metric, op: m[2] as ComparisonRule['op'], value });
  }
  return rules;
}

export interface RuleVerdict {
  rule: string;
  measured: number;
  passed: boolean;
}

export function judge(c: ChallengerComparison, rules: ComparisonRule[]): RuleVerdict[] {
  return rules.map((r) => {
    const measured = r.metric === 'agreement' ? c.agreement : Math.max(0, ...Object.values(c.mae));
    const passed = r.op === '>=' ? measured >= r.value : r.op === '<=' ? measured <= r.value : r.op === '>' ? measured > r.value : measured < r.value;
    return { rule: r.text, measured, passed };
  });
}
