import { type CallExpression, SyntaxKind } from 'ts-morph';
import { emptyFilter, mergeFilter, readFilter } from './conditions.ts';
import { queryChain } from './query-chain.ts';
import type { JoinedTable, QueryParts } from './query-parts.ts';
import { sentThrough } from './receiver.ts';
import type { TableParams, TableRefs } from './table-refs.ts';
import { unwrap } from './values.ts';

const JOINS = new Set([
  'innerJoin',
  'leftJoin',
  'rightJoin',
  'fullJoin',
  'crossJoin',
  'innerJoinLateral',
  'leftJoinLateral',
  'crossJoinLateral',
]);

/** A builder query from `.from(t)`, `.update(t)`, `.delete(t)` or `$count(t, where)`. */
export function builderQuery(call: CallExpression, refs: TableRefs): QueryParts | undefined {
  const callee = call.getExpression();
  if (!callee.isKind(SyntaxKind.PropertyAccessExpression)) return undefined;
  const method = callee.getName();
  if (method !== 'from' && method !== 'update' && method !== 'delete' && method !== '$count')
    return undefined;
  const [first, second] = call.getArguments();
  const table = refs.table(first ? unwrap(first) : undefined);
  if (!table) return undefined;
  const params: TableParams = new Map();
  const { via, transaction } = sentThrough(callee.getExpression());
  if (method === '$count')
    return {
      table,
      at: callee.getNameNode(),
      kind: 'count',
      via,
      transaction,
      filter: readFilter(second, refs, params),
      joins: [],
      order: [],
      params,
      limit: false,
      escapes: [],
    };
  const chain = queryChain(call);
  const filter = emptyFilter();
  const joins: JoinedTable[] = [];
  for (const c of chain.calls) {
    if (c.name === 'where') {
      const read = readFilter(c.call.getArguments()[0], refs, params);
      if (c.conditional) {
        filter.optional.push(
          ...read.equality.map((ref) => ({
            ref,
            where: `in a \`.where()\` under a condition at ${c.call.getSourceFile().getBaseName()}:${c.call.getStartLineNumber()}`,
          })),
        );
        filter.others += 1;
      } else mergeFilter(filter, read);
    }
    if (JOINS.has(c.name)) {
      const [target, on] = c.call.getArguments();
      const joinedTable = refs.table(target ? unwrap(target) : undefined);
      if (joinedTable) joins.push({ table: joinedTable, on: readFilter(on, refs, params) });
      else filter.others += 1;
    }
  }
  return {
    table,
    at: callee.getNameNode(),
    kind: method === 'from' ? 'select' : method,
    via,
    transaction,
    filter,
    joins,
    order: chain.calls
      .filter((c) => c.name === 'orderBy' && !c.conditional)
      .flatMap((c) => c.call.getArguments()),
    params,
    limit: chain.calls.some((c) => c.name === 'limit'),
    escapes: chain.escapes,
  };
}
