/**
 * The bundles never send a FormData body, but every Azure SDK pipeline (@azure/identity's included) asks
 * `typeof FormData !== "undefined" && body instanceof FormData` on each request, and Node answers the first
 * `typeof FormData` by loading its internal fetch implementation (undici, about 20 ms of a step's start). No SDK option
 * removes that check from identity's pipeline, so the build folds it: each `typeof FormData` compared with
 * "undefined" becomes the constant for "not defined", as if Node ran with `--no-experimental-fetch` for this code
 * only. The global itself is untouched.
 *
 * Only that shape is folded. Any other use of the global (`new FormData()`, a bare `x instanceof FormData`, a local
 * binding named FormData) fails the build with the file and offset, so a future use cannot be broken silently.
 */
import { parse, type Node } from 'acorn';

const NAME = 'FormData';

export class FormDataUseError extends Error {}

interface Found {
  node: Node;
  parent: Node | undefined;
  grand: Node | undefined;
}

type AnyNode = Node & Record<string, unknown>;

const isFunction = (n: AnyNode): boolean => n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression';

function children(node: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  for (const value of Object.values(node)) {
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof child === 'object' && typeof (child as AnyNode).type === 'string') out.push(child as AnyNode);
    }
  }
  return out;
}

/** Whether a binding pattern (a parameter, a declarator's id) binds FormData. */
function binds(pattern: AnyNode | null | undefined): boolean {
  if (!pattern) return false;
  switch (pattern.type) {
    case 'Identifier':
      return pattern.name === NAME;
    case 'ObjectPattern':
      return (pattern.properties as AnyNode[]).some((p) => binds(p.type === 'RestElement' ? (p.argument as AnyNode) : (p.value as AnyNode)));
    case 'ArrayPattern':
      return (pattern.elements as (AnyNode | null)[]).some((e) => binds(e));
    case 'RestElement':
      return binds(pattern.argument as AnyNode);
    case 'AssignmentPattern':
      return binds(pattern.left as AnyNode);
    default:
      return false;
  }
}

/**
 * Whether a function (or the whole script) declares a FormData of its own: as a parameter, its own name, or a
 * declaration anywhere in its body outside nested functions. Blocks are not told apart (a `let FormData` in one block
 * counts for the whole function): good enough to tell a bundled library's own FormData class from the global.
 */
function declares(fn: AnyNode): boolean {
  if (isFunction(fn) && ((fn.params as AnyNode[]).some((p) => binds(p)) || (fn.type === 'FunctionExpression' && binds(fn.id as AnyNode)))) return true;
  const stack = children(fn).filter((c) => c !== fn.id && !(fn.params as AnyNode[] | undefined)?.includes(c));
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'VariableDeclarator' && binds(n.id as AnyNode)) return true;
    if ((n.type === 'FunctionDeclaration' || n.type === 'ClassDeclaration') && binds(n.id as AnyNode)) return true;
    if (n.type === 'CatchClause' && binds(n.param as AnyNode)) return true;
    if (n.type === 'ClassExpression' && binds(n.id as AnyNode)) return true;
    if (!isFunction(n)) stack.push(...children(n));
  }
  return false;
}

/**
 * Every Identifier named FormData that is not inside a function declaring its own, with its parent and grandparent,
 * and the parent of every node walked (for the `&&` around an instanceof).
 */
function identifiers(root: Node): { found: Found[]; parents: Map<AnyNode, AnyNode> } {
  const found: Found[] = [];
  const parents = new Map<AnyNode, AnyNode>();
  const walk = (node: AnyNode, parent: AnyNode | undefined, grand: AnyNode | undefined): void => {
    if ((isFunction(node) || node.type === 'Program') && declares(node)) return; // its FormData is its own
    if (parent) parents.set(node, parent);
    if (node.type === 'Identifier' && node.name === NAME) found.push({ node, parent, grand });
    for (const child of children(node)) walk(child, node, parent);
  };
  walk(root as AnyNode, undefined, undefined);
  return { found, parents };
}

/** A property name or key, not a reference to a variable. */
function isName(f: Found): boolean {
  const p = f.parent as AnyNode | undefined;
  if (!p) return false;
  if (p.type === 'MemberExpression') return p.property === f.node && !p.computed;
  if (p.type === 'Property') return p.key === f.node && !p.computed && !p.shorthand;
  if (p.type === 'MethodDefinition' || p.type === 'PropertyDefinition') return p.key === f.node && !p.computed;
  return false;
}

const isUndefinedLiteral = (n: AnyNode): boolean => n.type === 'Literal' && n.value === 'undefined';
const isTypeofName = (n: AnyNode): boolean => n.type === 'UnaryExpression' && n.operator === 'typeof' && (n.argument as AnyNode).type === 'Identifier' && (n.argument as AnyNode).name === NAME;

/** `typeof FormData !== "undefined"` (either side, any of the four equality operators): its replacement, else undefined. */
function typeofCheck(f: Found): { node: AnyNode; replacement: string } | undefined {
  const unary = f.parent as AnyNode | undefined;
  const cmp = f.grand as AnyNode | undefined;
  if (!unary || !cmp || !isTypeofName(unary) || cmp.type !== 'BinaryExpression') return undefined;
  const other = (cmp.left === unary ? cmp.right : cmp.left) as AnyNode;
  if (!isUndefinedLiteral(other)) return undefined;
  const negated = cmp.operator === '!==' || cmp.operator === '!=';
  if (!negated && cmp.operator !== '===' && cmp.operator !== '==') return undefined;
  // Not defined: `!== "undefined"` is false, `=== "undefined"` is true.
  return { node: cmp, replacement: negated ? '!1' : '!0' };
}

/** `x instanceof FormData` as the right of an `&&` whose left ends in a folded typeof check: never evaluated. */
function guardedInstanceof(f: Found, folded: Set<AnyNode>, parents: Map<AnyNode, AnyNode>): boolean {
  const bin = f.parent as AnyNode | undefined;
  if (!bin || bin.type !== 'BinaryExpression' || bin.operator !== 'instanceof' || bin.right !== f.node) return false;
  const and = parents.get(bin);
  if (!and || and.type !== 'LogicalExpression' || and.operator !== '&&' || and.right !== bin) return false;
  // The left is the check itself, or an && chain that ends in it: `a && typeof FormData !== "undefined" && x instanceof FormData`.
  let left = and.left as AnyNode;
  while (left.type === 'LogicalExpression' && left.operator === '&&' && !folded.has(left)) left = left.right as AnyNode;
  return folded.has(left);
}

/**
 * `code` with the SDK's FormData checks folded, and how many were; throws FormDataUseError naming `file` and the
 * offset of any other use of the global.
 */
export function foldFormDataChecks(code: string, file: string): { code: string; folded: number } {
  if (!code.includes(NAME)) return { code, folded: 0 };
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true, allowReturnOutsideFunction: true });
  const { found: all, parents } = identifiers(ast);
  const found = all.filter((f) => !isName(f));
  const checks = new Map<AnyNode, string>();
  const rest: Found[] = [];
  for (const f of found) {
    const c = typeofCheck(f);
    if (c) checks.set(c.node, c.replacement);
    else rest.push(f);
  }
  const folded = new Set(checks.keys());
  for (const f of rest) {
    if (guardedInstanceof(f, folded, parents)) continue;
    const at = f.node.start;
    throw new FormDataUseError(
      `${file}:${at}: FormData is used here (${JSON.stringify(code.slice(Math.max(0, at - 40), at + 40))}); the build folds only ` +
        '`typeof FormData !== "undefined" && x instanceof FormData` checks (shared/build/form-data-checks.ts)',
    );
  }
  // Replace from the end, so that earlier offsets stay valid.
  let out = code;
  for (const node of [...checks.keys()].sort((a, b) => b.start - a.start)) out = out.slice(0, node.start) + checks.get(node)! + out.slice(node.end);
  return { code: out, folded: checks.size };
}
