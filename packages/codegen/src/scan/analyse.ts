import path from 'node:path';
import { type CallExpression, type Node, type SourceFile, SyntaxKind } from 'ts-morph';
import type { AccessPattern, Routing, TableInfo } from '../model.ts';
import { emptyFilter, type Filter, mergeFilter, orderColumns, readFilter } from './conditions.ts';
import { queryChain } from './query-chain.ts';
import { rawSqlPatterns } from './raw-sql.ts';
import { type ColumnRef, type TableParams, TableRefs } from './table-refs.ts';
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

/** Everything the analysis read from one query, before it is turned into a finding. */
interface QueryParts {
  readonly table: TableInfo;
  /** The node naming the table: where the finding points. */
  readonly at: Node;
  readonly kind: AccessPattern['kind'];
  readonly filter: Filter;
  readonly joins: readonly { table: TableInfo; on: Filter }[];
  readonly order: readonly Node[];
  readonly params: TableParams;
  readonly limit: boolean;
  readonly escapes: readonly string[];
}

const sameGroup = (a: TableInfo, b: TableInfo) =>
  a.sharding === 'sharded' && b.sharding === 'sharded' && a.keyKind === b.keyKind;
const isKey = (ref: ColumnRef) => ref.table.sharding === 'sharded' && ref.column === ref.table.keyColumn;
const unique = (xs: readonly string[]) => [...new Set(xs)];

/** Sharded tables of the query not tied to the main table by equal keys (or a pinned key). */
function crossShardJoins(parts: QueryParts, pinned: ReadonlySet<TableInfo>): string[] {
  const parent = new Map<TableInfo | 'pinned', TableInfo | 'pinned'>();
  const find = (x: TableInfo | 'pinned'): TableInfo | 'pinned' => {
    const p = parent.get(x) ?? x;
    return p === x ? x : find(p);
  };
  const union = (a: TableInfo | 'pinned', b: TableInfo | 'pinned') => parent.set(find(a), find(b));
  for (const t of pinned) union(t, 'pinned');
  for (const f of [parts.filter, ...parts.joins.map((j) => j.on)])
    for (const [a, b] of f.links)
      if (isKey(a) && isKey(b) && sameGroup(a.table, b.table)) union(a.table, b.table);
  return unique(
    parts.joins
      .filter((j) => j.table.sharding === 'sharded' && parts.table.sharding === 'sharded')
      .filter((j) => find(j.table) !== find(parts.table))
      .map((j) => j.table.name),
  );
}

function finding(parts: QueryParts, refs: TableRefs, root: string): AccessPattern {
  const { table, filter } = parts;
  const own = (list: readonly ColumnRef[]) =>
    unique(list.filter((r) => r.table === table).map((r) => r.column));
  const equality = own(filter.equality);
  const pinned = new Set(filter.equality.filter(isKey).map((r) => r.table));
  for (const j of parts.joins)
    for (const r of j.on.equality.filter(isKey)) if (r.table === j.table) pinned.add(j.table);
  const joined = [table, ...parts.joins.map((j) => j.table)];
  const pinsShard =
    table.sharding === 'sharded' && [...pinned].some((t) => sameGroup(t, table) && joined.includes(t));
  const key = table.keyColumn;
  const reasons: string[] = [];
  let routing: Routing = 'pinned';
  if (table.sharding === 'sharded' && !pinsShard) {
    const unknown = [...filter.unknown, ...parts.escapes];
    const optional = filter.optional.filter((o) => isKey(o.ref) && sameGroup(o.ref.table, table));
    const otherOnKey = [...filter.compared, ...filter.range].some(
      (r) => r.table === table && r.column === key,
    );
    if (unknown.length) {
      routing = 'unknown';
      reasons.push(...unknown);
    } else routing = 'scatter';
    if (optional.length) reasons.push(...optional.map((o) => `\`${o.ref.column}\` is only set ${o.where}`));
    if (otherOnKey) reasons.push(`\`${key}\` is compared, but not with = (isNull/ne/gt pin no shard)`);
  }
  const predicates = filter.predicates.filter((p) => p.ref.table === table).map(({ ref: _ref, ...p }) => p);
  return {
    table: table.name,
    location: {
      file: path.relative(root, parts.at.getSourceFile().getFilePath()),
      line: parts.at.getStartLineNumber(),
    },
    kind: parts.kind,
    equality,
    range: own(filter.range).filter((c) => !equality.includes(c)),
    compared: own(filter.compared),
    orderBy: orderColumns(parts.order, refs, parts.params, table.name),
    limit: parts.limit,
    hasShardKey: table.sharding === 'sharded' && equality.includes(key!),
    routing,
    reasons,
    crossShardJoins: crossShardJoins(parts, pinned),
    predicates,
    exact:
      parts.joins.length === 0 &&
      filter.unknown.length === 0 &&
      filter.optional.length === 0 &&
      filter.others === 0 &&
      filter.links.length === 0 &&
      parts.escapes.length === 0,
  };
}

/** A builder query from `.from(t)`, `.update(t)`, `.delete(t)` or `$count(t, where)`. */
function builderQuery(call: CallExpression, refs: TableRefs): QueryParts | undefined {
  const callee = call.getExpression();
  if (!callee.isKind(SyntaxKind.PropertyAccessExpression)) return undefined;
  const method = callee.getName();
  if (method !== 'from' && method !== 'update' && method !== 'delete' && method !== '$count')
    return undefined;
  const [first, second] = call.getArguments();
  const table = refs.table(first ? unwrap(first) : undefined);
  if (!table) return undefined;
  const params: TableParams = new Map();
  if (method === '$count')
    return {
      table,
      at: callee.getNameNode(),
      kind: 'count',
      filter: readFilter(second, refs, params),
      joins: [],
      order: [],
      params,
      limit: false,
      escapes: [],
    };
  const chain = queryChain(call);
  const filter = emptyFilter();
  const joins: { table: TableInfo; on: Filter }[] = [];
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

/**
 * The tables a relational query loads through `with: { rel: true | { with: … } }`, as joins on the
 * relation's columns (so a relation to another shard shows as a cross-shard join).
 */
function withJoins(
  node: Node | undefined,
  table: TableInfo,
  refs: TableRefs,
  depth = 0,
): { table: TableInfo; on: Filter }[] {
  const options = node ? unwrap(node) : undefined;
  if (!options?.isKind(SyntaxKind.ObjectLiteralExpression) || depth > 4) return [];
  const out: { table: TableInfo; on: Filter }[] = [];
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
function relationalQuery(call: CallExpression, refs: TableRefs): QueryParts | undefined {
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
  let joins: { table: TableInfo; on: Filter }[] = [];
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
    filter,
    joins,
    order,
    params,
    limit,
    escapes: [],
  };
}

/**
 * The per-query findings of one source file: every drizzle query on the schema's tables (builder
 * chains, `$count`, relational queries, raw `execute(sql…)`), with what it filters, how it routes
 * and why. A library function: the report writers and lint rules share it.
 */
export function analyseSourceFile(
  file: SourceFile,
  tables: readonly TableInfo[],
  root: string,
): AccessPattern[] {
  const refs = new TableRefs(tables);
  const out: AccessPattern[] = [];
  for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const parts = builderQuery(call, refs) ?? relationalQuery(call, refs);
    if (parts) out.push(finding(parts, refs, root));
  }
  out.push(...rawSqlPatterns(file, refs, root));
  return out;
}
