import path from 'node:path';
import { type Node, type SourceFile, SyntaxKind } from 'ts-morph';
import type { AccessPattern, Routing, SourceLocation, TableInfo } from '../model.ts';
import { builderQuery } from './builder-query.ts';
import { orderColumns } from './conditions.ts';
import { insertQuery } from './insert-query.ts';
import type { QueryParts } from './query-parts.ts';
import { rawSqlPatterns } from './raw-sql.ts';
import { relationalQuery } from './relational-query.ts';
import { type ColumnRef, TableRefs } from './table-refs.ts';

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

/** file:line of a node (of the method name, for `x.transaction`). */
function locationOf(node: Node, root: string): SourceLocation {
  const named = node.isKind(SyntaxKind.PropertyAccessExpression) ? node.getNameNode() : node;
  return { file: path.relative(root, named.getSourceFile().getFilePath()), line: named.getStartLineNumber() };
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
  if (table.sharding === 'sharded' && parts.via === 'all-shards') routing = 'fan-out';
  else if (table.sharding === 'sharded' && parts.via === 'routed' && !pinsShard) {
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
    location: locationOf(parts.at, root),
    ...(parts.transaction ? { transaction: locationOf(parts.transaction, root) } : {}),
    kind: parts.kind,
    equality,
    range: own(filter.range).filter((c) => !equality.includes(c)),
    compared: own(filter.compared),
    orderBy: orderColumns(parts.order, refs, parts.params, table.name),
    limit: parts.limit,
    hasShardKey: table.sharding === 'sharded' && equality.includes(key!),
    routing,
    via: parts.via,
    keyValues: unique(
      filter.values.filter((v) => v.ref.table === table && v.ref.column === key).map((v) => v.text),
    ),
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

/**
 * The per-query findings of one source file: every drizzle query on the schema's tables (builder
 * chains, `$count`, relational queries, raw `execute(sql…)`), with what it filters, how it routes
 * and why. A library function: the report writers and lint rules share it.
 *
 * @example
 * const project = new Project();
 * const file = project.addSourceFileAtPath('src/queries/documents.ts');
 * for (const f of analyseSourceFile(file, await loadSchema(['src/schema.ts']), process.cwd()))
 *   if (f.routing !== 'pinned') console.log(`${f.location.file}:${f.location.line}`, f.routing, f.reasons);
 */
export function analyseSourceFile(
  file: SourceFile,
  tables: readonly TableInfo[],
  root: string,
): AccessPattern[] {
  const refs = new TableRefs(tables);
  const out: AccessPattern[] = [];
  for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const parts = builderQuery(call, refs) ?? relationalQuery(call, refs) ?? insertQuery(call, refs);
    if (parts) out.push(finding(parts, refs, root));
  }
  out.push(...rawSqlPatterns(file, refs, root));
  return out;
}
