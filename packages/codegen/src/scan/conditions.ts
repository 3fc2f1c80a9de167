import { type Node, SyntaxKind } from 'ts-morph';

/** Columns a condition compares, by kind; `pinsKey` when every branch fixes the shard key. */
export interface ConditionColumns {
  readonly equality: string[];
  readonly range: string[];
}

const EQUALITY = new Set(['eq', 'inArray', 'isNull']);
const RANGE = new Set(['gt', 'gte', 'lt', 'lte', 'between', 'notBetween', 'like', 'ilike']);

/** Resolves `orders.userId` (or a callback parameter `o.userId`) to an SQL column name. */
export type ColumnResolver = (node: Node) => string | undefined;

function calleeName(node: Node): string | undefined {
  if (!node.isKind(SyntaxKind.CallExpression)) return undefined;
  const callee = node.getExpression();
  if (callee.isKind(SyntaxKind.Identifier)) return callee.getText();
  if (callee.isKind(SyntaxKind.PropertyAccessExpression)) return callee.getName();
  return undefined;
}

/**
 * Reads drizzle filter expressions as written (`and(eq(t.a, x), gt(t.b, y))`). Anything it does
 * not understand contributes no columns; `or` branches count only when they all fix a column.
 */
export function conditionColumns(node: Node | undefined, column: ColumnResolver): ConditionColumns {
  const out: ConditionColumns = { equality: [], range: [] };
  const visit = (n: Node | undefined): void => {
    if (!n) return;
    if (n.isKind(SyntaxKind.ParenthesizedExpression)) {
      visit(n.getExpression());
      return;
    }
    if (n.isKind(SyntaxKind.ArrowFunction)) {
      const body = n.getBody();
      visit(body.isKind(SyntaxKind.Block) ? undefined : body);
      return;
    }
    const name = calleeName(n);
    if (!name || !n.isKind(SyntaxKind.CallExpression)) return;
    const args = n.getArguments();
    if (name === 'and') {
      for (const a of args) visit(a);
      return;
    }
    if (name === 'or') {
      const branches = args.map((a) => conditionColumns(a, column));
      const common = branches[0]?.equality.filter((c) => branches.every((b) => b.equality.includes(c))) ?? [];
      out.equality.push(...common);
      return;
    }
    const target = args[0] ? column(args[0]) : undefined;
    if (!target) return;
    if (EQUALITY.has(name)) out.equality.push(target);
    else if (RANGE.has(name)) out.range.push(target);
  };
  visit(node);
  return { equality: [...new Set(out.equality)], range: [...new Set(out.range)] };
}

/** `desc(t.a)`, `asc(t.b)`, `t.c` → columns with directions, in order. */
export function orderColumns(
  nodes: readonly Node[],
  column: ColumnResolver,
): { name: string; direction: 'asc' | 'desc' }[] {
  const out: { name: string; direction: 'asc' | 'desc' }[] = [];
  for (const n of nodes) {
    if (n.isKind(SyntaxKind.ArrayLiteralExpression)) {
      out.push(...orderColumns(n.getElements(), column));
      continue;
    }
    if (n.isKind(SyntaxKind.ArrowFunction)) {
      const body = n.getBody();
      if (!body.isKind(SyntaxKind.Block)) out.push(...orderColumns([body], column));
      continue;
    }
    const name = calleeName(n);
    if ((name === 'asc' || name === 'desc') && n.isKind(SyntaxKind.CallExpression)) {
      const target = n.getArguments()[0];
      const resolved = target ? column(target) : undefined;
      if (resolved) out.push({ name: resolved, direction: name });
      continue;
    }
    const resolved = column(n);
    if (resolved) out.push({ name: resolved, direction: 'asc' });
  }
  return out;
}
