import { DrizzleShardError } from '../errors.ts';
import { normaliseKey } from '../routing/key-value.ts';
import type { ShardMap, TenantOverride } from '../routing/shard-map.ts';
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
  const unit = decodeShardId(id).bucket;
  const owner = map.strategy.ownerOfUnit(unit);
  const pinned = pinnedAwayFrom(map, unit, owner);
  if (pinned) {
    // An id minted before its tenant was pinned carries the bucket, but its row left with the tenant.
    throw new DrizzleShardError(
      'SHARD_ID_AMBIGUOUS',
      `A shard-aware id of bucket ${unit} may belong to the tenant pinned to shard ${pinned.shard} (ids made before its pin carry its bucket) or to another key of the bucket on shard ${owner}: route by the row's shard key (db.shard(key)) instead of its id.`,
      { bucket: unit, shards: [owner, pinned.shard] },
    );
  }
  return owner;
}

/** A tenant pinned to another shard than `bucket`'s owner whose key (as any key type) hashes into `bucket`. */
function pinnedAwayFrom(map: ShardMap, bucket: number, owner: number): TenantOverride | undefined {
  const json = map.toJSON();
  if (!('overrides' in json) || bucket >= json.buckets) return undefined; // no pins, or a pinned tenant's own unit
  for (let shard = 0; shard < map.shardCount; shard++) {
    if (shard === owner) continue;
    for (const o of map.strategy.pinnedTo(shard)) if (bucketsOf(map, o.key).includes(bucket)) return o;
  }
  return undefined;
}

/** The buckets a pinned key falls in as each key type that accepts it (the map does not know the column's). */
function bucketsOf(map: ShardMap, key: string | number): number[] {
  return (['int', 'text', 'uuid'] as const).flatMap((kind) => {
    try {
      return [map.bucketOf(key, kind)];
    } catch {
      return []; // not a value of this key type
    }
  });
}
