import { type CallExpression, type Node, SyntaxKind } from 'ts-morph';
import { at, declarationOf, isConditional, scopeOf } from './values.ts';

/** One method called on a query builder (`.where(…)`, `.innerJoin(…)`). */
export interface ChainCall {
  readonly name: string;
  readonly call: CallExpression;
  /** Called only sometimes (on a builder variable, under an `if`). */
  readonly conditional: boolean;
}

export interface QueryChain {
  readonly calls: ChainCall[];
  /** The builder leaves the function before it is complete (returned, passed on), in words. */
  readonly escapes: string[];
}

/** The calls chained directly after `start`, and the outermost expression of the chain. */
function walk(start: Node): { calls: { name: string; call: CallExpression }[]; top: Node } {
  const calls: { name: string; call: CallExpression }[] = [];
  let node: Node = start;
  for (;;) {
    const access = node.getParent();
    if (!access?.isKind(SyntaxKind.PropertyAccessExpression) || access.getExpression() !== node) break;
    const call = access.getParent();
    if (!call?.isKind(SyntaxKind.CallExpression) || call.getExpression() !== access) break;
    calls.push({ name: access.getName(), call });
    node = call;
  }
  return { calls, top: node };
}

/** Climbs through parentheses and `as` from a chain's end. */
function outer(node: Node): Node {
  let n = node;
  for (let p = n.getParent(); p; p = n.getParent()) {
    if (
      p.isKind(SyntaxKind.ParenthesizedExpression) ||
      p.isKind(SyntaxKind.AsExpression) ||
      p.isKind(SyntaxKind.SatisfiesExpression)
    )
      n = p;
    else break;
  }
  return n;
}

/**
 * The builder calls of a query, following the builder through a variable within its function
 * (`const q = db.select().from(t).$dynamic(); if (x) q.where(…)`): calls on the variable
 * under a condition are marked so.
 */
export function queryChain(start: CallExpression): QueryChain {
  const first = walk(start);
  const calls: ChainCall[] = first.calls.map((c) => ({ ...c, conditional: false }));
  const escapes: string[] = [];
  const end = outer(first.top);
  const parent = end.getParent();
  // An awaited builder has run: nothing is added to it later.
  if (parent?.isKind(SyntaxKind.AwaitExpression)) return { calls, escapes };
  if (
    parent?.isKind(SyntaxKind.ReturnStatement) ||
    (parent?.isKind(SyntaxKind.ArrowFunction) && parent.getBody() === end)
  ) {
    if (!calls.some((c) => c.name === 'where'))
      escapes.push(`the builder is returned at ${at(end)}; its caller may add filters`);
    return { calls, escapes };
  }
  if (!parent?.isKind(SyntaxKind.VariableDeclaration) || parent.getInitializer() !== end)
    return { calls, escapes };
  const scope = scopeOf(parent);
  const name = parent.getName();
  const returned: string[] = [];
  for (const ref of scope.getDescendantsOfKind(SyntaxKind.Identifier)) {
    if (ref.getText() !== name || ref === parent.getNameNode()) continue;
    if (declarationOf(ref)?.declaration !== parent) continue;
    const conditional = isConditional(ref, scope);
    const chained = walk(ref);
    if (chained.calls.length) {
      calls.push(...chained.calls.map((c) => ({ ...c, conditional })));
      continue;
    }
    const use = outer(ref).getParent();
    if (use?.isKind(SyntaxKind.BinaryExpression) && use.getLeft() === ref) continue;
    if (use?.isKind(SyntaxKind.CallExpression))
      escapes.push(
        `the builder \`${name}\` is passed to \`${use.getExpression().getText().slice(0, 30)}()\` at ${at(ref)}`,
      );
    if (use?.isKind(SyntaxKind.ReturnStatement) || use?.isKind(SyntaxKind.ArrowFunction))
      returned.push(`the builder \`${name}\` is returned at ${at(ref)}; its caller may add filters`);
  }
  // A builder returned after this function filtered it is complete; one returned bare may not be.
  if (!calls.some((c) => c.name === 'where')) escapes.push(...returned);
  return { calls, escapes };
}
