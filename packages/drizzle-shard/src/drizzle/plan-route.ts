import { type Column, getTableName, is, Param, type Query, SQL, Table } from 'drizzle-orm';
import { DrizzleShardError, MissingShardKeyError } from '../errors.ts';
import type { ShardMap } from '../routing/shard-map.ts';
import { type ShardedTableMeta, shardedMetaOf, shardingOf } from '../schema/annotations.ts';
import type { InsertConfigView, UpdateConfigView } from './internals.ts';
import { columnsOf } from './internals.ts';
import { columnEqualities, pinnedKeyValues } from './key-conditions.ts';
import type { RoutingValue } from './sql-tokens.ts';
import type { Route } from './statement-plan.ts';

function nameOf(table: unknown): string {
  return is(table, Table) ? getTableName(table) : '(subquery)';
}

/** True for a column that is the shard key of its (possibly aliased) sharded table. */
export function isKeyColumn(column: Column): boolean {
  const meta = shardedMetaOf(column.table);
  return meta !== undefined && meta.keyColumn.name === column.name;
}

/**
 * Routes a statement over `tables` (FROM + JOINs) filtered by `where` and joined by `ons`:
 * every sharded table must be pinned by key values, directly or through key = key joins.
 */
export function routeTables(
  tables: readonly unknown[],
  where: SQL | undefined,
  ons: ReadonlyArray<SQL | undefined>,
): Route {
  const shardedTables = tables.filter((t) => shardedMetaOf(t));
  if (tables.some((t) => !is(t, Table))) {
    if (shardedTables.length === 0) return { kind: 'home' };
  }
  if (shardedTables.length === 0) {
    const home = tables.find((t) => !shardingOf(t));
    return home === undefined ? { kind: 'any' } : { kind: 'home', table: nameOf(home) };
  }
  const unsharded = tables.filter((t) => is(t, Table) && !shardingOf(t));
  const first = shardedTables[0]!;
  const meta = shardedMetaOf(first)!;
  if (unsharded.length > 0) {
    return unroutable(
      'CROSS_SHARD_JOIN',
      `"${nameOf(first)}" is sharded but "${nameOf(unsharded[0])}" is unsharded (home shard only): they cannot be joined on every shard. Make "${nameOf(unsharded[0])}" a reference() table or shard it by the same key.`,
    );
  }
  // Tables joined key = key are colocated: a value pinned on any of them pins all.
  const group = new Set<string>([nameOf(first)]);
  const equalities = [...ons.flatMap(columnEqualities), ...columnEqualities(where)];
  for (let grew = true; grew; ) {
    grew = false;
    for (const [a, b] of equalities) {
      if (!isKeyColumn(a) || !isKeyColumn(b)) continue;
      const [na, nb] = [nameOf(a.table), nameOf(b.table)];
      if (group.has(na) !== group.has(nb)) {
        group.add(na);
        group.add(nb);
        grew = true;
      }
    }
  }
  const outside = shardedTables.find((t) => !group.has(nameOf(t)));
  if (outside) {
    return unroutable(
      'CROSS_SHARD_JOIN',
      `"${nameOf(outside)}" is joined to "${nameOf(first)}" without equating their shard keys; the rows may live on different shards. Join on ${nameOf(first)}.${meta.keyColumn.name} = ${nameOf(outside)}.${shardedMetaOf(outside)!.keyColumn.name}.`,
    );
  }
  const values = pinnedKeyValues(where, (c) => isKeyColumn(c) && group.has(nameOf(c.table)));
  if (!values)
    return { kind: 'unroutable', error: new MissingShardKeyError(nameOf(first), meta.keyColumn.name) };
  return keysRoute(first, meta, values);
}

function keysRoute(table: unknown, meta: ShardedTableMeta, values: readonly RoutingValue[]): Route {
  return {
    kind: 'keys',
    table: nameOf(table),
    keyColumn: meta.keyColumn.name,
    keyType: meta.keyType,
    values,
  };
}

function unroutable(
  code: 'CROSS_SHARD_JOIN' | 'FANOUT_UNSUPPORTED' | 'SHARD_KEY_UPDATE',
  message: string,
): Route {
  return { kind: 'unroutable', error: new DrizzleShardError(code, message) };
}

/**
 * Routes an insert by the key in each row. Rows without a key get it from the key column's
 * `$defaultFn` first (so generated shard-aware IDs route). Several shards → one query each.
 */
export function routeInsert(
  config: InsertConfigView,
  shardMap: ShardMap,
  compile: (rows: unknown[]) => Query,
): Route {
  const meta = shardedMetaOf(config.table);
  if (!meta)
    return shardingOf(config.table)?.kind === 'reference'
      ? { kind: 'reference-write', table: nameOf(config.table) }
      : { kind: 'home', table: nameOf(config.table) };
  const table = nameOf(config.table);
  if (config.select || !Array.isArray(config.values)) {
    return {
      kind: 'unroutable',
      error: new MissingShardKeyError(
        table,
        meta.keyColumn.name,
        'INSERT … SELECT cannot be routed; run it through db.shard(key)',
      ),
    };
  }
  const columns = columnsOf(config.table);
  const keyProp = Object.keys(columns).find(
    (k) => columns[k] === meta.keyColumn || columns[k]?.name === meta.keyColumn.name,
  )!;
  const rows = config.values as Array<Record<string, unknown>>;
  const values: RoutingValue[] = [];
  for (const row of rows) {
    if (row[keyProp] === undefined && meta.keyColumn.defaultFn) {
      const generated = meta.keyColumn.defaultFn();
      row[keyProp] = is(generated, SQL) ? generated : new Param(generated, meta.keyColumn);
    }
    const cell = row[keyProp];
    if (is(cell, Param)) values.push({ value: cell.value });
    else
      return {
        kind: 'unroutable',
        error: new MissingShardKeyError(table, meta.keyColumn.name, 'a row has no literal key value'),
      };
  }
  const shards = values.map((v) => shardMap.shardOf((v as { value: unknown }).value, meta.keyType));
  const distinct = new Set(shards);
  if (distinct.size <= 1) return keysRoute(config.table, meta, values.slice(0, 1));
  const queries = new Map<number, Query>();
  for (const shard of distinct) queries.set(shard, compile(rows.filter((_, i) => shards[i] === shard)));
  return { kind: 'split', table, queries };
}

/** Routes an update by its WHERE; changing the shard key itself would move the row, so it is refused. */
export function routeUpdate(config: UpdateConfigView): Route {
  const meta = shardedMetaOf(config.table);
  if (meta) {
    const columns = columnsOf(config.table);
    const changesKey = Object.keys(config.set).some(
      (k) => config.set[k] !== undefined && columns[k]?.name === meta.keyColumn.name,
    );
    if (changesKey) {
      return unroutable(
        'SHARD_KEY_UPDATE',
        `UPDATE of "${nameOf(config.table)}" sets its shard key "${meta.keyColumn.name}"; that would move the row to another shard. Insert a new row under the new key and delete the old one instead.`,
      );
    }
  }
  if (!meta && shardingOf(config.table)?.kind === 'reference')
    return { kind: 'reference-write', table: nameOf(config.table) };
  const tables = [
    config.table,
    ...(config.from ? [config.from] : []),
    ...(config.joins ?? []).map((j) => j.table),
  ];
  return routeTables(
    tables,
    config.where,
    (config.joins ?? []).map((j) => j.on),
  );
}

/** Routes a delete by its WHERE. */
export function routeDelete(config: { table: unknown; where?: SQL }): Route {
  if (shardingOf(config.table)?.kind === 'reference')
    return { kind: 'reference-write', table: nameOf(config.table) };
  return routeTables([config.table], config.where, []);
}
