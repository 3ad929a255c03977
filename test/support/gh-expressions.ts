/**
 * GitHub Actions expressions, as much of the language as the templates use: `${{ … }}` interpolation and `if:`
 * conditions over contexts (inputs, vars, secrets, github, needs, steps, env, job), property access with dots
 * (names may hold '-') or `['…']`, literals ('strings', numbers, true/false/null), `!`, `==`, `!=`, `<`, `>`, `&&`,
 * `||` (returning an operand, as GitHub does), parentheses, and the functions success(), failure(), always(),
 * cancelled(), contains(), startsWith(), format(). String comparison is case-insensitive, as on GitHub.
 */
export type Value = string | number | boolean | null | Value[] | { [k: string]: Value } | undefined;
export interface Scope {
  contexts: Record<string, Value>;
  /** success(): every needed job (or every earlier step) succeeded */
  status: 'success' | 'failure' | 'cancelled';
}

type Tok = { t: 'num'; v: number } | { t: 'str'; v: string } | { t: 'id'; v: string } | { t: 'op'; v: string };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) i++;
    else if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new Error(`unterminated string in ${src}`);
        if (src[i] === "'" && src[i + 1] === "'") {
          s += "'";
          i += 2;
        } else if (src[i] === "'") {
          i++;
          break;
        } else s += src[i++];
      }
      out.push({ t: 'str', v: s });
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!;
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i))!;
      out.push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else {
      const two = src.slice(i, i + 2);
      if (['==', '!=', '&&', '||', '<=', '>='].includes(two)) {
        out.push({ t: 'op', v: two });
        i += 2;
      } else if ('!()[].,<>'.includes(c)) {
        out.push({ t: 'op', v: c });
        i++;
      } else throw new Error(`unexpected '${c}' in ${src}`);
    }
  }
  return out;
}

const truthy = (v: Value): boolean => !(v === undefined || v === null || v === false || v === 0 || v === '' || (typeof v === 'number' && Number.isNaN(v)));
const asString = (v: Value): string => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
function equal(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if ((a ?? null) === null && (b ?? null) === null) return true;
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return a === b;
}

class Parser {
  private p = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly scope: Scope,
  ) {}
  private peek(v?: string): boolean {
    const t = this.toks[this.p];
    return !!t && t.t === 'op' && (v === undefined || t.v === v);
  }
  private eat(v: string): void {
    if (!this.peek(v)) throw new Error(`expected '${v}'`);
    this.p++;
  }
  parse(): Value {
    const v = this.or();
    if (this.p !== this.toks.length) throw new Error('trailing tokens');
    return v;
  }
  private or(): Value {
    let l = this.and();
    while (this.peek('||')) {
      this.p++;
      const r = this.and();
      l = truthy(l) ? l : r;
    }
    return l;
  }
  private and(): Value {
    let l = this.cmp();
    while (this.peek('&&')) {
      this.p++;
      const r = this.cmp();
      l = truthy(l) ? r : l;
    }
    return l;
  }
  private cmp(): Value {
    let l = this.unary();
    for (;;) {
      const t = this.toks[this.p];
      if (!t || t.t !== 'op' || !['==', '!=', '<', '>', '<=', '>='].includes(t.v)) return l;
      this.p++;
      const r = this.unary();
      if (t.v === '==') l = equal(l, r);
      else if (t.v === '!=') l = !equal(l, r);
      else {
        const [a, b] = [Number(l), Number(r)];
        l = t.v === '<' ? a < b : t.v === '>' ? a > b : t.v === '<=' ? a <= b : a >= b;
      }
    }
  }
  private unary(): Value {
    if (this.peek('!')) {
      this.p++;
      return !truthy(this.unary());
    }
    return this.postfix(this.primary());
  }
  private postfix(v: Value): Value {
    for (;;) {
      if (this.peek('.')) {
        this.p++;
        const t = this.toks[this.p++];
        if (!t || t.t !== 'id') throw new Error('expected a property name');
        v = v && typeof v === 'object' && !Array.isArray(v) ? v[t.v] : undefined;
      } else if (this.peek('[')) {
        this.p++;
        const k = asString(this.or());
        this.eat(']');
        v = v && typeof v === 'object' && !Array.isArray(v) ? v[k] : undefined;
      } else return v;
    }
  }
  private primary(): Value {
    const t = this.toks[this.p++];
    if (!t) throw new Error('unexpected end');
    if (t.t === 'num' || t.t === 'str') return t.v;
    if (t.t === 'op' && t.v === '(') {
      const v = this.or();
      this.eat(')');
      return v;
    }
    if (t.t !== 'id') throw new Error(`unexpected '${t.v}'`);
    if (t.v === 'true') return true;
    if (t.v === 'false') return false;
    if (t.v === 'null') return null;
    if (this.peek('(')) {
      this.p++;
      const args: Value[] = [];
      while (!this.peek(')')) {
        args.push(this.or());
        if (this.peek(',')) this.p++;
      }
      this.eat(')');
      return this.call(t.v, args);
    }
    if (!(t.v in this.scope.contexts)) throw new Error(`unknown context '${t.v}'`);
    return this.scope.contexts[t.v];
  }
  private call(name: string, a: Value[]): Value {
    switch (name.toLowerCase()) {
      case 'success':
        return this.scope.status === 'success';
      case 'failure':
        return this.scope.status === 'failure';
      case 'always':
        return true;
      case 'cancelled':
        return this.scope.status === 'cancelled';
      case 'contains':
        return Array.isArray(a[0]) ? a[0].some((x) => equal(x, a[1])) : asString(a[0]).toLowerCase().includes(asString(a[1]).toLowerCase());
      case 'startswith':
        return asString(a[0]).toLowerCase().startsWith(asString(a[1]).toLowerCase());
      case 'format':
        return asString(a[0]).replace(/\{(\d+)\}/g, (_, i: string) => asString(a[Number(i) + 1]));
      default:
        throw new Error(`function ${name}() is not supported by the test runner`);
    }
  }
}

export function evaluate(expr: string, scope: Scope): Value {
  return new Parser(tokenize(expr), scope).parse();
}

/** Every `${{ … }}` in `text` replaced by its value as a string. */
export function interpolate(text: string, scope: Scope): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, e: string) => asString(evaluate(e, scope)));
}

/** An `if:`: a bare expression or one wrapped in `${{ }}`; jobs and steps without one run on success(). */
export function condition(text: string | boolean | undefined, scope: Scope): boolean {
  if (text === undefined) return scope.status === 'success';
  if (typeof text === 'boolean') return text;
  const m = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(text);
  const expr = m ? m[1]! : text;
  const usesStatus = /\b(success|failure|always|cancelled)\s*\(/i.test(expr);
  const v = truthy(evaluate(expr, scope));
  return usesStatus ? v : scope.status === 'success' && v;
}

/** The expressions a text references, `${{ … }}` bodies. */
export function expressionsIn(text: string): string[] {
  return [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1]!.trim());
}
