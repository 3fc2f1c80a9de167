import { type CallExpression, type Node, SyntaxKind } from 'ts-morph';
import type { TableInfo } from '../model.ts';
import { emptyFilter, mergeFilter, readFilter } from './conditions.ts';
import type { JoinedTable, QueryParts } from './query-parts.ts';
import { sentThrough } from './receiver.ts';
import type { TableRefs } from './table-refs.ts';
import { unwrap } from './values.ts';

/**
 * The tables a relational query loads through `with: { rel: true | { with: … } }`, as joins on the
 * relation's columns (so a relation to another shard shows as a cross-shard join).
 */
function withJoins(node: Node | undefined, table: TableInfo, refs: TableRefs, depth = 0): JoinedTable[] {
  const options = node ? unwrap(node) : undefined;
  if (!options?.isKind(SyntaxKind.ObjectLiteralExpression) || depth > 4) return [];
  const out: JoinedTable[] = [];
  for (const p of options.getProperties()) {
    if (!p.isKind(SyntaxKind.PropertyAssignment) && !p.isKind(SyntaxKind.ShorthandPropertyAssignment))
      continue;
    const relation = table.relations?.find((r) => r.name === p.getName());
    const target = relation && refs.bySqlName(relation.target);
    if (!relation || !target) continue;
    const on = emptyFilter();
    for (const [from, to] of relation.columns)
      on.links.push([
        { table, column: from },
        { table: target, column: to },
      ]);
    out.push({ table: target, on });
    const value = p.isKind(SyntaxKind.PropertyAssignment) ? unwrap(p.getInitializerOrThrow()) : undefined;
    if (value?.isKind(SyntaxKind.ObjectLiteralExpression)) {
      const nested = value.getProperty('with');
      if (nested?.isKind(SyntaxKind.PropertyAssignment))
        out.push(...withJoins(nested.getInitializer(), target, refs, depth + 1));
    }
  }
  return out;
}

/** A relational query: `db.query.t.findMany({ where, orderBy, limit })` / `findFirst`. */
export function relationalQuery(call: CallExpression, refs: TableRefs): QueryParts | undefined {
  const callee = call.getExpression();
  if (!callee.isKind(SyntaxKind.PropertyAccessExpression)) return undefined;
  const method = callee.getName();
  if (method !== 'findMany' && method !== 'findFirst') return undefined;
  const access = callee.getExpression();
  if (!access.isKind(SyntaxKind.PropertyAccessExpression)) return undefined;
  const owner = access.getExpression();
  if (!owner.isKind(SyntaxKind.PropertyAccessExpression) || owner.getName() !== 'query') return undefined;
  const table = refs.byExportName(access.getName());
  if (!table) return undefined;
  const first = call.getArguments()[0];
  const options = first ? unwrap(first) : undefined;
  const filter = emptyFilter();
  const params = new Map<string, TableInfo>();
  let order: Node[] = [];
  let limit = method === 'findFirst';
  let joins: JoinedTable[] = [];
  if (options?.isKind(SyntaxKind.ObjectLiteralExpression)) {
    const prop = (name: string) => {
      const p = options.getProperty(name);
      return p?.isKind(SyntaxKind.PropertyAssignment) ? p.getInitializer() : undefined;
    };
    const where = prop('where');
    const orderBy = prop('orderBy');
    for (const fn of [where, orderBy]) {
      const param = fn?.isKind(SyntaxKind.ArrowFunction) ? fn.getParameters()[0] : undefined;
      if (param) params.set(param.getName(), table);
    }
    mergeFilter(filter, readFilter(where, refs, params));
    order = orderBy ? [orderBy] : [];
    limit ||= prop('limit') !== undefined;
    joins = withJoins(prop('with'), table, refs);
    if (!where && options.getProperty('where'))
      filter.unknown.push('the `where` option is not a plain property');
  } else if (options) filter.unknown.push('the options are not an object literal');
  return {
    table,
    at: access.getNameNode(),
    kind: 'relational',
    ...sentThrough(owner.getExpression()),
    filter,
    joins,
    order,
    params,
    limit,
    escapes: [],
  };
}
