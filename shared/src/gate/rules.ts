/**
 * Champion/challenger gate rules, as users write them in the `gate` input:
 *
 *   accuracy >= champion - 0.01      rmse <= 2.5      f1 > champion      latency_ms <= champion * 1.1
 *   auc >= champion.auc_macro        loss < 0.3
 *
 * One rule per line, or separated by `;` or `,`; `#` starts a comment. The left side is a metric of the candidate;
 * the right side a number, or `champion` (the same metric of the champion) / `champion.<metric>`, optionally
 * followed by `+`, `-`, `*` or `/` and a number.
 */
import { inputError } from '../core/errors';

export const GATE_OPERATORS = ['>=', '<=', '>', '<', '=='] as const;
export type GateOperator = (typeof GATE_OPERATORS)[number];

export type ArithmeticOperator = '+' | '-' | '*' | '/';

export type GateThreshold =
  | { kind: 'constant'; value: number }
  | {
      kind: 'champion';
      /** The champion's metric compared against (the rule's own metric unless `champion.<metric>` names another) */
      metric: string;
      adjust?: { operator: ArithmeticOperator; operand: number };
    };

export interface GateRule {
  /** The rule as written, trimmed */
  text: string;
  metric: string;
  operator: GateOperator;
  threshold: GateThreshold;
}

// Metric names as MLflow and Azure ML log them: letters, digits, `_ . / : -`; a `-` only inside a name,
// so `champion.f1-score - 0.01` reads as the metric `f1-score` minus 0.01.
const NAME = /^[A-Za-z_][A-Za-z0-9_.:/]*(?:-[A-Za-z_][A-Za-z0-9_.:/]*)*/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const SYNTAX = "'<metric> <op> <number>' or '<metric> <op> champion[.<metric>] [+|-|*|/ <number>]', op one of >=, <=, >, <, ==";

/** Split the input into rules: lines, `;` and `,`; blank parts and `#` comments are skipped. */
function splitRules(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, ''))
    .flatMap((line) => line.split(/[;,]/))
    .map((r) => r.trim())
    .filter((r) => r !== '');
}

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }
  match(re: RegExp): string | undefined {
    this.skipSpace();
    const m = re.exec(this.text.slice(this.pos));
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }
  rest(): string {
    this.skipSpace();
    return this.text.slice(this.pos);
  }
}

function parseNumber(raw: string): number | undefined {
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

function parseRule(text: string, fail: (why: string) => never): GateRule {
  const c = new Cursor(text);
  const metric = c.match(NAME);
  if (!metric) fail(`expected a metric name first`);
  const opText = c.match(/^(>=|<=|==|=>|=<|!=|>|<|=)/);
  if (!opText) fail(`expected an operator (>=, <=, >, <, ==) after '${metric}'`);
  if (opText === '=' || opText === '=>' || opText === '=<' || opText === '!=') {
    const suggestion = opText === '=' ? '==' : opText === '=>' ? '>=' : opText === '=<' ? '<=' : undefined;
    fail(`operator '${opText}' is not supported${suggestion ? `; did you mean '${suggestion}'?` : ' (use >=, <=, >, <, ==)'}`);
  }
  const operator = opText as GateOperator;

  let threshold: GateThreshold;
  const champion = c.match(/^champion\b/i);
  if (champion) {
    let championMetric = metric;
    if (c.text[c.pos] === '.') {
      c.pos++;
      const named = NAME.exec(c.text.slice(c.pos))?.[0];
      if (!named) fail(`expected a metric name after 'champion.'`);
      c.pos += named.length;
      championMetric = named;
    }
    const arith = c.match(/^[-+*/]/) as ArithmeticOperator | undefined;
    if (arith) {
      const raw = c.match(NUMBER);
      const operand = raw === undefined ? undefined : parseNumber(raw);
      if (operand === undefined) fail(`expected a number after 'champion ${arith}'`);
      if (arith === '/' && operand === 0) fail(`cannot divide by zero`);
      threshold = { kind: 'champion', metric: championMetric, adjust: { operator: arith, operand } };
    } else {
      threshold = { kind: 'champion', metric: championMetric };
    }
  } else {
    const raw = c.match(NUMBER);
    const value = raw === undefined ? undefined : parseNumber(raw);
    if (value === undefined) {
      const got = c.rest();
      fail(got === '' ? `expected a number or 'champion' after '${operator}'` : `expected a number or 'champion' after '${operator}', got '${got}'`);
    }
    threshold = { kind: 'constant', value };
  }
  const trailing = c.rest();
  if (trailing !== '') fail(`unexpected '${trailing}' at the end`);
  return { text, metric, operator, threshold };
}

/** Parse the gate input; errors name the input and the rule. An empty text gives no rules. */
export function parseGateRules(text: string, inputName: string): GateRule[] {
  const parts = splitRules(text);
  return parts.map((rule, i) =>
    parseRule(rule, (why): never => {
      const which = parts.length > 1 ? `rule ${i + 1} ` : 'rule ';
      throw inputError(`Input '${inputName}': ${which}'${rule}': ${why}`, { input: inputName, hint: `Write rules as ${SYNTAX}.` });
    }),
  );
}

/** The right side of a rule as text: "0.8", "champion", "champion.auc - 0.01". */
export function describeThreshold(t: GateThreshold, ruleMetric: string): string {
  if (t.kind === 'constant') return String(t.value);
  const base = t.metric === ruleMetric ? 'champion' : `champion.${t.metric}`;
  return t.adjust ? `${base} ${t.adjust.operator} ${t.adjust.operand}` : base;
}
