import { type SQL, sql } from 'drizzle-orm';

/** SQL making a new shard-aware id in `bucket` (`drizzle_shard_id`, see `SHARD_ID_DDL`), as an insert value. */
export function shardIdSql(bucket: number): SQL<bigint> {
  return sql<bigint>`drizzle_shard_id(${sql.raw(String(bucket))})`;
}
