import type { ShardKeyKind, ShardMap } from 'drizzle-shard';
import { quoteIdent } from '../archive/checksum.ts';
import { connectOps } from '../connect.ts';

/** A table as the split treats it: by shard key, copied to every shard, or kept on shard 0. */
export interface SplitTable {
  readonly name: string;
  readonly kind: 'sharded' | 'reference' | 'unsharded';
  /** SQL column name of the shard key (sharded tables). */
  readonly keyColumn?: string;
  readonly keyKind?: ShardKeyKind;
}

export interface SplitPlan {
  /** The single database being split. */
  readonly source: string;
  /** Target shard primaries, in shard order. */
  readonly targets: readonly string[];
  readonly map: ShardMap;
  readonly tables: readonly SplitTable[];
}

/** Unsharded tables live on this shard after the split. */
export const HOME_SHARD = 0;
/** Publication, subscription and slot name for target `shard`. */
export const replicationName = (shard: number) => `drizzle_split_${shard}`;
/**
 * Table on the source and the targets that the cutover writes a marker row into: when a target
 * has applied the marker, it has applied every transaction the source committed before it.
 */
export const MARKER_TABLE = 'drizzle_split_marker';
export const MARKER_DDL = `create table if not exists ${MARKER_TABLE} (shard int primary key, at timestamptz not null default now())`;

/** Whether `table` has rows on target `shard` after the split. */
export function livesOn(table: SplitTable, shard: number): boolean {
  return table.kind !== 'unsharded' || shard === HOME_SHARD;
}

/**
 * SQL of the placement unit of a sharded table's row (its bucket, residue or pinned tenant, as
 * the map's strategy says). Verification compares counts and checksums per unit.
 */
export const unitSql = (map: ShardMap, table: SplitTable): string =>
  map.strategy.unitSql(quoteIdent(table.keyColumn!), table.keyKind!);

/** The shard that owns a placement unit. */
export const ownerOfUnit = (map: ShardMap, unit: number): number => map.strategy.ownerOfUnit(unit);

/** A table name as SQL: quoted, or left as written when schema-qualified (`app.orders`). */
export const tableSql = (name: string) => (name.includes('.') ? name : quoteIdent(name));

/** A connection for split work (named, so a DBA sees it in pg_stat_activity). */
export const connectForSplit = (url: string) => connectOps(url, 'drizzle-shard-split');

/** The part of the key space `shard` owns under `map` (its buckets' share, or 1/N for modulo). */
export const ownedShare = (map: ShardMap, shard: number): number => map.strategy.ownedShare(shard);

/**
 * Checks the keys a map names (pinned tenants) against every sharded table's key type:
 * `CONFIG_INVALID` when one is not such a key.
 */
export function checkMapKeys(map: ShardMap, tables: readonly SplitTable[]): void {
  for (const t of tables) if (t.kind === 'sharded' && t.keyKind) map.strategy.checkKeys(t.keyKind);
}
