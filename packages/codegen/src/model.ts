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
  /** Partial index: never counted as covering a pattern. */
  readonly partial: boolean;
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
}

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

/** One query on one table as written in the app's code. */
export interface AccessPattern {
  readonly table: string;
  readonly location: SourceLocation;
  readonly kind: 'select' | 'relational' | 'update' | 'delete' | 'count';
  /** SQL columns compared with `=` / `inArray` (in source order, deduplicated). */
  readonly equality: readonly string[];
  /** SQL columns compared with `<`, `>`, `between`, … */
  readonly range: readonly string[];
  readonly orderBy: readonly IndexColumn[];
  readonly limit: boolean;
  /** The query pins the shard key (it will route to one shard). */
  readonly hasShardKey: boolean;
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
}
