import { getTableName, is, Table } from 'drizzle-orm';
import { PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { DrizzleShardError } from '../errors.ts';

/** How a shard key is hashed: PostgreSQL's int8, text or uuid extended hash. */
export type ShardKeyKind = 'int' | 'text' | 'uuid';

/**
 * A key column's type as far as routing needs it: the hash kind, plus the input rules of
 * `char(n)` and `varchar(n)`, so a key is hashed in the form the column stores (and the SQL
 * `(column)::text` yields), whatever spelling the app sends.
 */
export interface ShardKeyType {
  readonly kind: ShardKeyKind;
  /** `char(n)`: stored blank-padded; its text form (compared, hashed) has no trailing spaces. */
  readonly blankPadded?: boolean;
  /** `varchar(n)`: spaces beyond `n` characters are dropped on input. */
  readonly maxChars?: number;
}

export interface ShardedTableMeta {
  readonly kind: 'sharded';
  readonly keyColumn: PgColumn;
  readonly keyKind: ShardKeyKind;
  readonly keyType: ShardKeyType;
}
export interface ReferenceTableMeta {
  readonly kind: 'reference';
}
export type TableShardingMeta = ShardedTableMeta | ReferenceTableMeta;

const META = Symbol.for('drizzle-shard:table-meta');

/** Phantom brand carrying a sharded table's key type at the type level only. */
declare const shardKeyType: unique symbol;
export type ShardedTable<T extends PgTable, K> = T & { readonly [shardKeyType]: K };
export type ReferenceTable<T extends PgTable> = T & { readonly [shardKeyType]: never };

/** The key type of a sharded table (e.g. `number` for `integer('user_id')`). */
export type ShardKeyOfTable<T> = T extends { readonly [shardKeyType]: infer K } ? K : never;

/** The union of key types over every sharded table of a schema module. */
export type ShardKeyOf<TSchema> = {
  [N in keyof TSchema]: ShardKeyOfTable<TSchema[N]>;
}[keyof TSchema];

const KEY_KINDS: Record<string, ShardKeyKind> = {
  PgInteger: 'int',
  PgSmallInt: 'int',
  PgBigInt53: 'int',
  PgBigInt64: 'int',
  PgSerial: 'int',
  PgSmallSerial: 'int',
  PgBigSerial53: 'int',
  PgBigSerial64: 'int',
  PgText: 'text',
  PgVarchar: 'text',
  PgChar: 'text',
  PgUUID: 'uuid',
};

/**
 * Marks a table as sharded by one of its columns. Returns the same table object (drizzle-kit,
 * relations and `alias()` keep working); the metadata lives under a `Symbol.for` property.
 *
 * @example
 * export const orders = sharded(pgTable('orders', { userId: bigint('user_id', { mode: 'number' }).notNull(), ... }),
 *   { key: (t) => t.userId });
 */
export function sharded<T extends PgTable, C extends PgColumn>(
  table: T,
  options: { key: (table: T) => C },
): ShardedTable<T, C['_']['data']> {
  const keyColumn = options.key(table);
  if (!is(keyColumn, PgColumn)) {
    throw new DrizzleShardError(
      'SCHEMA_RULE_VIOLATION',
      `sharded(${getTableName(table)}): key must return one of the table's columns, e.g. { key: (t) => t.userId }.`,
    );
  }
  const keyKind = KEY_KINDS[keyColumn.columnType];
  if (!keyKind) {
    throw new DrizzleShardError(
      'SCHEMA_RULE_VIOLATION',
      `sharded(${getTableName(table)}): key column "${keyColumn.name}" is ${keyColumn.getSQLType()}; shard keys must be an integer type, text/varchar/char, or uuid.`,
      { table: getTableName(table), column: keyColumn.name },
    );
  }
  setMeta(table, { kind: 'sharded', keyColumn, keyKind, keyType: keyTypeOf(keyColumn, keyKind) });
  return table as ShardedTable<T, C['_']['data']>;
}

function keyTypeOf(column: PgColumn, kind: ShardKeyKind): ShardKeyType {
  const length = (column as { length?: unknown }).length;
  if (column.columnType === 'PgChar') return { kind, blankPadded: true };
  if (column.columnType === 'PgVarchar' && typeof length === 'number') return { kind, maxChars: length };
  return { kind };
}

/**
 * Marks a small table as a reference table: copied to every shard, written on all shards
 * atomically (two-phase commit), read from any shard.
 *
 * @example export const countries = reference(pgTable('countries', { code: text('code').primaryKey() }));
 */
export function reference<T extends PgTable>(table: T): ReferenceTable<T> {
  setMeta(table, { kind: 'reference' });
  return table as ReferenceTable<T>;
}

function setMeta(table: PgTable, meta: TableShardingMeta): void {
  Object.defineProperty(table, META, { value: meta, enumerable: false, configurable: true });
}

/** The table's sharding metadata; `undefined` for an unsharded table (lives on the home shard). */
export function shardingOf(table: unknown): TableShardingMeta | undefined {
  if (typeof table !== 'object' || table === null) return undefined;
  return (table as { [META]?: TableShardingMeta })[META];
}

export function shardedMetaOf(table: unknown): ShardedTableMeta | undefined {
  const meta = shardingOf(table);
  return meta?.kind === 'sharded' ? meta : undefined;
}

/** The metadata of a drizzle table marked `sharded()`; `undefined` for anything else (not a table, or not sharded). */
export function shardedTableMetaOf(value: unknown): ShardedTableMeta | undefined {
  return is(value, Table) ? shardedMetaOf(value) : undefined;
}
