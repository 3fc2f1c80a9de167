import { DrizzleShardError } from '../errors.ts';
import { normaliseKey } from '../routing/key-value.ts';
import type { ShardMap } from '../routing/shard-map.ts';
import type { ShardKeyKind, ShardKeyType } from '../schema/annotations.ts';
import { decodeShardId, SHARD_ID_MAX_BUCKETS } from './shard-id.ts';

/** Ids carry their key's placement unit (a bucket, or a pinned tenant's unit), so units must be buckets and fit. */
function assertIdCapable(map: ShardMap): void {
  const { strategy } = map;
  if (!strategy.bucketed || strategy.unitCount > SHARD_ID_MAX_BUCKETS) {
    throw new DrizzleShardError(
      'CONFIG_INVALID',
      `Shard-aware ids need the hash shard map with at most ${SHARD_ID_MAX_BUCKETS} buckets, a pinned tenant counting as one more (this map: ${strategy.name}${strategy.bucketed ? `, ${strategy.unitCount} buckets` : ''}). With modulo sharding, route by the owning key instead.`,
    );
  }
}

/** The unit a new shard-aware id of `key` carries (its bucket, or its pinned tenant's unit), so it lives on the key's shard. */
export function newIdBucket(map: ShardMap, key: unknown, kind: ShardKeyKind | ShardKeyType): number {
  assertIdCapable(map);
  return map.strategy.unitOf(normaliseKey(key, kind));
}

/** The shard owning a shard-aware id under `map` (the id's unit, looked up in the map). */
export function shardOfId(map: ShardMap, id: bigint | number | string): number {
  assertIdCapable(map);
  return map.strategy.ownerOfUnit(decodeShardId(id).bucket);
}
