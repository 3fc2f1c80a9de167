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

/** The bucket a new shard-aware id of `key` carries (so it lives on the key's shard). */
export function newIdBucket(map: ShardMap, key: unknown, kind: ShardKeyKind | ShardKeyType): number {
  assertIdCapable(map);
  return map.bucketOf(key, kind);
}

/** The shard owning a shard-aware id under `map` (the id's bucket, looked up in the map). */
export function shardOfId(map: ShardMap, id: bigint | number | string): number {
  assertIdCapable(map);
  return map.shardOfBucket(decodeShardId(id).bucket);
}
