import { type CallExpression, type Node, SyntaxKind, type Type } from 'ts-morph';
import type { TableInfo } from '../model.ts';
import { emptyFilter } from './conditions.ts';
import { queryChain } from './query-chain.ts';
import type { QueryParts } from './query-parts.ts';
import { sentThrough } from './receiver.ts';
import type { TableRefs } from './table-refs.ts';
import { at, unwrap } from './values.ts';

/** The row types of `.values(…)`: one row, an array, a tuple or a union of those. */
function rowTypes(type: Type, depth = 0): Type[] {
  if (depth > 4) return [type];
  if (type.isUnion()) return type.getUnionTypes().flatMap((t) => rowTypes(t, depth + 1));
  if (type.isArray() || type.isReadonlyArray()) return rowTypes(type.getArrayElementTypeOrThrow(), depth + 1);
  if (type.isTuple()) return type.getTupleElements().flatMap((t) => rowTypes(t, depth + 1));
  return [type];
}

/** Whether every row of type `type` sets `property`: `set`, `unset` (missing or optional), or `unknown`. */
function setsProperty(type: Type, property: string): 'set' | 'unset' | 'unknown' {
  const rows = rowTypes(type);
  if (rows.some((row) => row.isAny() || row.isUnknown() || !row.isObject())) return 'unknown';
  for (const row of rows) {
    const symbol = row.getProperty(property);
    if (!symbol || symbol.isOptional()) return 'unset';
  }
  return 'set';
}

/** Object literal rows without spreads: whether each names the key (no type checking needed). */
function literalRows(values: Node, property: string): 'set' | 'unset' | undefined {
  const node = unwrap(values);
  const rows = node.isKind(SyntaxKind.ArrayLiteralExpression) ? node.getElements().map(unwrap) : [node];
  if (!rows.every((r) => r.isKind(SyntaxKind.ObjectLiteralExpression))) return undefined;
  const objects = rows.filter((r) => r.isKind(SyntaxKind.ObjectLiteralExpression));
  if (objects.some((o) => o.getProperties().some((p) => p.isKind(SyntaxKind.SpreadAssignment))))
    return undefined;
  return objects.every((o) => o.getProperty(property)) ? 'set' : 'unset';
}

/** The key's value in object literals of `.values(…)` (`{ userId }` → `userId`), as written. */
function keyTexts(values: Node, property: string): string[] {
  const node = unwrap(values);
  const rows = node.isKind(SyntaxKind.ArrayLiteralExpression) ? node.getElements().map(unwrap) : [node];
  const out: string[] = [];
  for (const row of rows) {
    if (!row.isKind(SyntaxKind.ObjectLiteralExpression)) return [];
    const p = row.getProperty(property);
    if (p?.isKind(SyntaxKind.ShorthandPropertyAssignment)) out.push(p.getName());
    else if (p?.isKind(SyntaxKind.PropertyAssignment)) out.push(unwrap(p.getInitializerOrThrow()).getText());
    else return [];
  }
  return [...new Set(out)];
}

/**
 * An insert, `db.insert(t).values(rows)`: the router needs the shard key in every row, so the
 * rows' type must set it (a missing or optional key property means a row may come without it).
 */
export function insertQuery(call: CallExpression, refs: TableRefs): QueryParts | undefined {
  const callee = call.getExpression();
  if (!callee.isKind(SyntaxKind.PropertyAccessExpression) || callee.getName() !== 'insert') return undefined;
  const first = call.getArguments()[0];
  const table: TableInfo | undefined = refs.table(first ? unwrap(first) : undefined);
  if (!table) return undefined;
  const filter = emptyFilter();
  const values = queryChain(call)
    .calls.find((c) => c.name === 'values')
    ?.call.getArguments()[0];
  if (table.sharding === 'sharded' && table.keyColumn && table.keyProperty) {
    const ref = { table, column: table.keyColumn };
    const literal = values && literalRows(values, table.keyProperty);
    const presence = literal ?? (values ? setsProperty(values.getType(), table.keyProperty) : 'unknown');
    if (presence === 'set') {
      filter.equality.push(ref);
      filter.values.push(...keyTexts(values!, table.keyProperty).map((text) => ({ ref, text })));
    } else if (presence === 'unknown')
      filter.unknown.push(
        values
          ? `the type of the rows at ${at(values)} could not be read`
          : 'the inserted rows are not given by `.values()` in this chain',
      );
    else filter.others += 1;
  }
  return {
    table,
    at: callee.getNameNode(),
    kind: 'insert',
    ...sentThrough(callee.getExpression()),
    filter,
    joins: [],
    order: [],
    params: new Map(),
    limit: false,
    escapes: [],
  };
}
