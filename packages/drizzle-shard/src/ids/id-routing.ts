import { type SQL, sql } from 'drizzle-orm';
import { DrizzleShardError } from '../errors.ts';
import type { ShardMap } from '../routing/shard-map.ts';
import type { ShardKeyKind, ShardKeyType } from '../schema/annotations.ts';
import { decodeShardId, SHARD_ID_MAX_BUCKETS } from './shard-id.ts';

function assertIdCapable(map: ShardMap): void {
  const json = map.toJSON();
  if (json.strategy !== 'hash' || json.buckets > SHARD_ID_MAX_BUCKETS) {
    throw new DrizzleShardError(
      'CONFIG_INVALID',
      `Shard-aware ids need the hash shard map with at most ${SHARD_ID_MAX_BUCKETS} buckets (this map: ${json.strategy}${json.strategy === 'hash' ? `, ${json.buckets} buckets` : ''}). With modulo sharding, route by the owning key instead.`,
    );
  }
}

/** SQL making a new id in the bucket of `key`, to use as an insert value on the key's shard. */
export function shardIdSqlFor(map: ShardMap, key: unknown, kind: ShardKeyKind | ShardKeyType): SQL<bigint> {
  assertIdCapable(map);
  return sql<bigint>`drizzle_shard_id(${sql.raw(String(map.bucketOf(key, kind)))})`;
}

/** The shard owning a shard-aware id under `map` (the id's bucket, looked up in the map). */
export function shardOfId(map: ShardMap, id: bigint | number | string): number {
  assertIdCapable(map);
  return map.shardOfBucket(decodeShardId(id).bucket);
}
