import { type Expression, Node, SyntaxKind, type VariableDeclaration } from 'ts-morph';

/** Where a source node is, for reasons written to the report (`queries.ts:12`). */
export const at = (node: Node): string =>
  `${node.getSourceFile().getBaseName()}:${node.getStartLineNumber()}`;

/** The variable an identifier names, with its initializer, when declared in the app's code. */
export function declarationOf(
  node: Node,
): { declaration: VariableDeclaration; initializer: Expression | undefined } | undefined {
  if (!node.isKind(SyntaxKind.Identifier)) return undefined;
  const symbol = node.getSymbol();
  const target = symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol;
  const declaration = target?.getDeclarations().find((d) => d.isKind(SyntaxKind.VariableDeclaration));
  if (!declaration?.isKind(SyntaxKind.VariableDeclaration)) return undefined;
  if (declaration.getSourceFile().isInNodeModules() || declaration.getSourceFile().isDeclarationFile())
    return undefined;
  return { declaration, initializer: declaration.getInitializer() };
}

/** Strips parentheses, `as`, `satisfies` and `!` around an expression. */
export function unwrap(node: Node): Node {
  let n = node;
  for (;;) {
    if (
      n.isKind(SyntaxKind.ParenthesizedExpression) ||
      n.isKind(SyntaxKind.AsExpression) ||
      n.isKind(SyntaxKind.SatisfiesExpression) ||
      n.isKind(SyntaxKind.NonNullExpression) ||
      n.isKind(SyntaxKind.AwaitExpression)
    )
      n = n.getExpression();
    else return n;
  }
}

/**
 * Whether `node` runs only sometimes when `boundary` runs: it sits in a branch of an `if`,
 * `?:`, `&&`/`||`/`??`, a loop, a `switch` case, a `catch`, or a nested function.
 */
export function isConditional(node: Node, boundary: Node): boolean {
  let child: Node = node;
  for (let parent = node.getParent(); parent && parent !== boundary; parent = parent.getParent()) {
    if (parent.isKind(SyntaxKind.IfStatement) && child !== parent.getExpression()) return true;
    if (parent.isKind(SyntaxKind.ConditionalExpression) && child !== parent.getCondition()) return true;
    if (parent.isKind(SyntaxKind.BinaryExpression) && child === parent.getRight()) {
      const op = parent.getOperatorToken().getKind();
      if (
        op === SyntaxKind.AmpersandAmpersandToken ||
        op === SyntaxKind.BarBarToken ||
        op === SyntaxKind.QuestionQuestionToken
      )
        return true;
    }
    if (
      parent.isKind(SyntaxKind.ForStatement) ||
      parent.isKind(SyntaxKind.ForOfStatement) ||
      parent.isKind(SyntaxKind.ForInStatement) ||
      parent.isKind(SyntaxKind.WhileStatement) ||
      parent.isKind(SyntaxKind.DoStatement) ||
      parent.isKind(SyntaxKind.CaseClause) ||
      parent.isKind(SyntaxKind.DefaultClause) ||
      parent.isKind(SyntaxKind.CatchClause) ||
      Node.isFunctionLikeDeclaration(parent)
    )
      return true;
    if (parent.isKind(SyntaxKind.CallExpression) && child.isKind(SyntaxKind.QuestionDotToken)) return true;
    child = parent;
  }
  return false;
}

/** The function (or file) a node's variable lives in: the region to look for its uses. */
export function scopeOf(node: Node): Node {
  return (
    node.getFirstAncestor((a) => Node.isFunctionLikeDeclaration(a) || a.isKind(SyntaxKind.SourceFile)) ??
    node.getSourceFile()
  );
}

/** The one expression a function returns (`(x) => expr`, `{ return expr; }`), if it has one. */
export function functionReturn(fn: Node): Node | undefined {
  if (
    !(
      fn.isKind(SyntaxKind.ArrowFunction) ||
      fn.isKind(SyntaxKind.FunctionDeclaration) ||
      fn.isKind(SyntaxKind.FunctionExpression)
    )
  )
    return undefined;
  const body = fn.getBody();
  if (!body) return undefined;
  if (!body.isKind(SyntaxKind.Block)) return body;
  const returns = body.getDescendantsOfKind(SyntaxKind.ReturnStatement).filter((r) => scopeOf(r) === fn);
  return returns.length === 1 ? returns[0]!.getExpression() : undefined;
}

/** The one expression a small local function returns, for a call of it (`buildFilters(id)`). */
export function returnedExpression(call: Node): { expression: Node; fn: Node } | undefined {
  if (!call.isKind(SyntaxKind.CallExpression)) return undefined;
  const callee = call.getExpression();
  if (!callee.isKind(SyntaxKind.Identifier)) return undefined;
  const symbol = callee.getSymbol();
  const target = symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol;
  const declaration = target?.getDeclarations()[0];
  if (
    !declaration ||
    declaration.getSourceFile().isInNodeModules() ||
    declaration.getSourceFile().isDeclarationFile()
  )
    return undefined;
  const fn = declaration.isKind(SyntaxKind.VariableDeclaration) ? declaration.getInitializer() : declaration;
  const expression = fn && functionReturn(fn);
  return fn && expression ? { expression, fn } : undefined;
}

/** The elements of an array of conditions, split by whether they are always present. */
export interface ArrayItems {
  readonly always: Node[];
  /** Pushed or placed only under a condition: they may be missing. */
  readonly maybe: Node[];
  /** What could not be followed, in words. */
  readonly unknown: string[];
}

const ARRAY_PASSTHROUGH = new Set(['filter', 'concat', 'slice']);

/**
 * Follows an array of conditions within a function: a literal, a `const` built with
 * `c.push(...)` (unconditional pushes are always present, pushes under a condition may be
 * missing), `c.filter(Boolean)`, or the array a small local function returns.
 */
export function arrayItems(expr: Node, depth = 0): ArrayItems {
  const out: ArrayItems = { always: [], maybe: [], unknown: [] };
  const node = unwrap(expr);
  if (depth > 4) {
    out.unknown.push(`${node.getText().slice(0, 40)} is nested too deep to follow`);
    return out;
  }
  if (node.isKind(SyntaxKind.ArrayLiteralExpression)) {
    for (const element of node.getElements()) {
      if (element.isKind(SyntaxKind.SpreadElement))
        merge(out, arrayItems(element.getExpression(), depth + 1));
      else if (unwrap(element).isKind(SyntaxKind.ConditionalExpression)) out.maybe.push(element);
      else out.always.push(element);
    }
    return out;
  }
  if (node.isKind(SyntaxKind.CallExpression)) {
    const callee = node.getExpression();
    if (callee.isKind(SyntaxKind.PropertyAccessExpression) && ARRAY_PASSTHROUGH.has(callee.getName())) {
      const base = arrayItems(callee.getExpression(), depth + 1);
      if (callee.getName() === 'concat') {
        for (const a of node.getArguments()) merge(out, arrayItems(a, depth + 1));
      }
      if (callee.getName() === 'filter' && node.getArguments()[0]?.getText() !== 'Boolean') {
        out.maybe.push(...base.always, ...base.maybe);
        out.unknown.push(...base.unknown);
        return out;
      }
      merge(out, base);
      return out;
    }
    const returned = returnedExpression(node);
    if (returned) {
      merge(out, arrayItems(returned.expression, depth + 1));
      return out;
    }
    out.unknown.push(`the conditions come from \`${callee.getText()}()\`, which could not be read`);
    return out;
  }
  const found = declarationOf(node);
  if (!found?.initializer) {
    out.unknown.push(`the conditions \`${node.getText().slice(0, 40)}\` could not be followed`);
    return out;
  }
  merge(out, arrayItems(found.initializer, depth + 1));
  const scope = scopeOf(found.declaration);
  const name = found.declaration.getName();
  for (const ref of scope.getDescendantsOfKind(SyntaxKind.Identifier)) {
    if (ref.getText() !== name || ref === found.declaration.getNameNode()) continue;
    if (declarationOf(ref)?.declaration !== found.declaration) continue;
    const access = ref.getParent();
    const call = access?.getParent();
    if (
      access?.isKind(SyntaxKind.PropertyAccessExpression) &&
      access.getName() === 'push' &&
      call?.isKind(SyntaxKind.CallExpression) &&
      call.getExpression() === access
    ) {
      const conditional = isConditional(call, scopeOf(found.declaration));
      for (const a of call.getArguments()) {
        if (a.isKind(SyntaxKind.SpreadElement)) {
          const spread = arrayItems(a.getExpression(), depth + 1);
          out.maybe.push(...spread.maybe, ...(conditional ? spread.always : []));
          if (!conditional) out.always.push(...spread.always);
          out.unknown.push(...spread.unknown);
        } else (conditional ? out.maybe : out.always).push(a);
      }
    }
  }
  return out;
}

function merge(into: ArrayItems, from: ArrayItems): void {
  into.always.push(...from.always);
  into.maybe.push(...from.maybe);
  into.unknown.push(...from.unknown);
}
