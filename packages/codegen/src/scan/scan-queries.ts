import path from 'node:path';
import { type CallExpression, type Node, type ObjectLiteralExpression, Project, SyntaxKind } from 'ts-morph';
import type { AccessPattern, TableInfo } from '../model.ts';
import { type ColumnResolver, conditionColumns, orderColumns } from './conditions.ts';

/** The name a table identifier refers to, through `import { orders as o }` aliases. */
function referencedName(node: Node): string | undefined {
  if (!node.isKind(SyntaxKind.Identifier)) return undefined;
  const symbol = node.getSymbol();
  const target = symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol;
  return target?.getName() ?? node.getText();
}

interface Chain {
  readonly calls: Map<string, CallExpression>;
}

/** The calls chained after `start` (`.where()`, `.orderBy()`, `.limit()`…), by method name. */
function chainAfter(start: CallExpression): Chain {
  const calls = new Map<string, CallExpression>();
  let node: Node = start;
  for (;;) {
    const access = node.getParent();
    if (!access?.isKind(SyntaxKind.PropertyAccessExpression) || access.getExpression() !== node) break;
    const call = access.getParent();
    if (!call?.isKind(SyntaxKind.CallExpression) || call.getExpression() !== access) break;
    if (!calls.has(access.getName())) calls.set(access.getName(), call);
    node = call;
  }
  return { calls };
}

function property(object: ObjectLiteralExpression, name: string): Node | undefined {
  const p = object.getProperty(name);
  if (p?.isKind(SyntaxKind.PropertyAssignment)) return p.getInitializer();
  return undefined;
}

/**
 * Finds drizzle queries on the schema's tables in the app's code (query-builder chains from
 * `.from(t)`, `.update(t)`, `.delete(t)`, `$count(t, …)`, and relational `db.query.t.findMany`)
 * and reads their filters, sorts and limits, with file:line.
 */
export function scanQueries(
  files: readonly string[],
  tables: readonly TableInfo[],
  root: string,
): AccessPattern[] {
  const byExport = new Map(tables.map((t) => [t.exportName, t]));
  const project = new Project({ skipAddingFilesFromTsConfig: true, compilerOptions: { allowJs: false } });
  project.addSourceFilesAtPaths([...files]);
  const patterns: AccessPattern[] = [];

  const resolverFor = (table: TableInfo, params: readonly string[] = []): ColumnResolver => {
    return (node) => {
      if (!node.isKind(SyntaxKind.PropertyAccessExpression)) return undefined;
      const owner = node.getExpression();
      const ownerName = owner.isKind(SyntaxKind.Identifier) ? owner.getText() : undefined;
      const matches = (ownerName && params.includes(ownerName)) || referencedName(owner) === table.exportName;
      if (!matches) return undefined;
      return table.columns.find((c) => c.property === node.getName())?.name;
    };
  };

  const record = (
    table: TableInfo,
    node: Node,
    kind: AccessPattern['kind'],
    where: Node | undefined,
    order: readonly Node[],
    limit: boolean,
    params: readonly string[] = [],
  ) => {
    const column = resolverFor(table, params);
    const { equality, range } = conditionColumns(where, column);
    patterns.push({
      table: table.name,
      location: {
        file: path.relative(root, node.getSourceFile().getFilePath()),
        line: node.getStartLineNumber(),
      },
      kind,
      equality,
      range,
      orderBy: orderColumns(order, column),
      limit,
      hasShardKey: table.sharding === 'sharded' && equality.includes(table.keyColumn!),
    });
  };

  for (const file of project.getSourceFiles()) {
    for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      if (!callee.isKind(SyntaxKind.PropertyAccessExpression)) continue;
      const method = callee.getName();
      const [first, second] = call.getArguments();
      if (method === 'from' || method === 'update' || method === 'delete' || method === '$count') {
        const table = first ? byExport.get(referencedName(first) ?? '') : undefined;
        if (!table) continue;
        if (method === '$count') {
          record(table, call, 'count', second, [], false);
          continue;
        }
        const { calls } = chainAfter(call);
        const kind = method === 'from' ? 'select' : method;
        record(
          table,
          call,
          kind,
          calls.get('where')?.getArguments()[0],
          calls.get('orderBy')?.getArguments() ?? [],
          calls.has('limit'),
        );
        continue;
      }
      if (
        (method === 'findMany' || method === 'findFirst') &&
        callee.getExpression().isKind(SyntaxKind.PropertyAccessExpression)
      ) {
        const tableAccess = callee.getExpression().asKindOrThrow(SyntaxKind.PropertyAccessExpression);
        const owner = tableAccess.getExpression();
        if (!owner.isKind(SyntaxKind.PropertyAccessExpression) || owner.getName() !== 'query') continue;
        const table = byExport.get(tableAccess.getName());
        if (!table) continue;
        const options = first?.isKind(SyntaxKind.ObjectLiteralExpression) ? first : undefined;
        const where = options ? property(options, 'where') : undefined;
        const orderBy = options ? property(options, 'orderBy') : undefined;
        const params = [where, orderBy].flatMap((n) =>
          n?.isKind(SyntaxKind.ArrowFunction)
            ? n
                .getParameters()
                .slice(0, 1)
                .map((p) => p.getName())
            : [],
        );
        record(
          table,
          call,
          'relational',
          where,
          orderBy ? [orderBy] : [],
          method === 'findFirst' || (options ? property(options, 'limit') !== undefined : false),
          params,
        );
      }
    }
  }
  return patterns.sort(
    (a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line,
  );
}
