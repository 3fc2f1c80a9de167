/** What codegen knows about the app: tables from the schema, access patterns from the code. */

export type SortDirection = 'asc' | 'desc';

export interface ColumnInfo {
  /** Property name in the drizzle table (`createdAt`). */
  readonly property: string;
  /** SQL column name (`created_at`). */
  readonly name: string;
  readonly notNull: boolean;
}

export interface IndexColumn {
  readonly name: string;
  readonly direction: SortDirection;
}

export interface ExistingIndex {
  readonly name: string;
  readonly columns: readonly IndexColumn[];
  readonly unique: boolean;
  /** Partial index: counts as covering a query only when the query implies its predicate. */
  readonly partial: boolean;
  /** The partial index's predicate, as SQL text (`"deleted_at" is null`). */
  readonly predicate?: string;
}

export interface TableInfo {
  /** Export name in the schema module (`orders`). */
  readonly exportName: string;
  /** Module the table is exported from (absolute path). */
  readonly file: string;
  /** SQL name (`orders`). */
  readonly name: string;
  readonly sharding: 'sharded' | 'reference' | 'unsharded';
  /** SQL name of the shard key column, for sharded tables. */
  readonly keyColumn?: string;
  readonly keyProperty?: string;
  readonly keyKind?: 'int' | 'text' | 'uuid';
  readonly columns: readonly ColumnInfo[];
  /** Primary key, unique constraints and indexes (unique or not), as declared. */
  readonly indexes: readonly ExistingIndex[];
  /** Relations declared with drizzle's `relations()` (for relational `with:` loads). */
  readonly relations?: readonly RelationInfo[];
  /** Name of the first parameter of the table's extra-config callback (`(table) => [...]`), if any. */
  readonly callbackParam?: string;
}

/** A drizzle relation: the table it loads and the column pairs (this table's, the target's) it joins on. */
export interface RelationInfo {
  readonly name: string;
  /** SQL name of the related table. */
  readonly target: string;
  readonly columns: readonly (readonly [string, string])[];
}

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

/**
 * Where a query runs: `pinned` to one shard (by its key, or on a db bound to one shard);
 * `scatter` when the top-level db gets no key (it throws `SHARD_KEY_MISSING` at run time);
 * `fan-out` to every shard on purpose (`db.allShards()`); `unknown` when the analysis cannot
 * decide (see `reasons`); `not-analysed` for raw SQL.
 */
export type Routing = 'pinned' | 'scatter' | 'fan-out' | 'unknown' | 'not-analysed';

/**
 * The db a query is sent through: `routed` (the top-level db, routing by the key), `all-shards`
 * (`db.allShards()`), `shard` (`db.shard(k)`, `shardFor(t, k)`, a `db.shard(k).transaction` tx).
 */
export type Receiver = 'routed' | 'all-shards' | 'shard';

/** A condition the query always applies that a partial index predicate may be implied by. */
export interface Predicate {
  readonly column: string;
  readonly op: 'is null' | 'is not null' | '=';
  /** For `=`: the literal as SQL text (`'paid'`, `3`, `true`). */
  readonly value?: string;
}

/** One query on one table as written in the app's code. */
export interface AccessPattern {
  readonly table: string;
  /** The call that names the table (`.from(t)`, `.update(t)`, `db.query.t.findMany`). */
  readonly location: SourceLocation;
  readonly kind: 'select' | 'relational' | 'update' | 'delete' | 'count' | 'insert' | 'raw';
  /** SQL columns compared with `=` / `inArray` (in source order, deduplicated). */
  readonly equality: readonly string[];
  /** SQL columns compared with `<`, `>`, `between`, … */
  readonly range: readonly string[];
  /** SQL columns compared in ways an index seek cannot use (`ne`, `isNull`, `not…`). */
  readonly compared: readonly string[];
  readonly orderBy: readonly IndexColumn[];
  readonly limit: boolean;
  /** The query pins the shard key (it will route to one shard). */
  readonly hasShardKey: boolean;
  readonly routing: Routing;
  /** The db the query is sent through. */
  readonly via: Receiver;
  /**
   * The `db.transaction(…)` on the top-level db this query is a statement of: it throws
   * `TRANSACTION_NEEDS_SHARD` (a transaction runs on one shard: `db.shard(key).transaction`).
   */
  readonly transaction?: SourceLocation;
  /** The expressions the shard key is compared with by `=`/`inArray`, as written (`userId`). */
  readonly keyValues: readonly string[];
  /** Why the routing is what it is, in words (`team_id only set under a condition at q.ts:12`). */
  readonly reasons: readonly string[];
  /** Sharded tables joined without equality of the shard keys (the join crosses shards). */
  readonly crossShardJoins: readonly string[];
  /** Conditions always applied that can imply a partial index's predicate. */
  readonly predicates: readonly Predicate[];
  /**
   * Every filter of the query was read and is in `equality`/`range` (no joins, no opaque or
   * optional parts): a helper can repeat the query exactly.
   */
  readonly exact: boolean;
}

/** A composite index to create: shard key first, then equality, then range/sort columns. */
export interface IndexRecommendation {
  readonly table: string;
  /** ≤ 63 bytes, stable for the same columns. */
  readonly name: string;
  readonly columns: readonly IndexColumn[];
  readonly unique: boolean;
  /** The queries that motivated it. */
  readonly sources: readonly SourceLocation[];
  /** What the index saves, in rows read without it (see `estimateBenefit`). */
  readonly benefit?: string;
}

/** A broken sharding rule of the schema, with the change that fixes it. */
export interface SchemaAdvice {
  readonly table: string;
  readonly rule:
    | 'primary-key-includes-key'
    | 'unique-includes-key'
    | 'fk-colocated'
    | 'fk-to-sharded'
    | 'key-not-null';
  readonly message: string;
}
