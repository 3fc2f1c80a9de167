import type { ShardKeyKind, ShardKeyType } from '../schema/annotations.ts';
import { bucketOfHash } from './buckets.ts';
import { HashStrategy, hashOfKey } from './hash-strategy.ts';
import { normaliseKey } from './key-value.ts';
import { mapError } from './map-errors.ts';
import { ModuloStrategy } from './modulo-strategy.ts';
import { strategyFromJSON } from './strategies.ts';
import type { ShardMapJson, ShardStrategy, TenantOverride } from './strategy.ts';

export type { BucketRange, ShardMapJson, TenantOverride } from './strategy.ts';

/**
 * Which shard owns a key, under a {@link ShardStrategy}. `hash` (default): PostgreSQL's own
 * `hashint8extended` / `hashtextextended` / `uuid_hash_extended(key, 0)` into fixed buckets,
 * buckets assigned to shards in ranges, so SQL can check ownership and buckets can move.
 * `modulo`: the seed's `user_id % n`. `pinned-hash`: hash buckets with some tenants pinned to a
 * shard.
 *
 * @example
 * const map = ShardMap.hash({ shards: 4 });
 * map.shardOf(42, 'int'); // 0..3, equal to the SQL in map.ownsSql('user_id', 'int', shard)
 */
export class ShardMap {
  private constructor(readonly strategy: ShardStrategy) {}

  /** Buckets split into `shards` equal contiguous ranges. */
  static hash(options: { shards: number; buckets?: number; epoch?: number }): ShardMap {
    return new ShardMap(HashStrategy.even(options));
  }

  /** The seed's layout: integer key mod `shards`. */
  static modulo(shards: number, epoch = 1): ShardMap {
    return new ShardMap(new ModuloStrategy(shards, epoch));
  }

  /**
   * Parses and validates a stored map (every bucket owned exactly once, shards 0..n-1 used;
   * tenant overrides name a shard of the map, once each: else `CONFIG_INVALID`).
   */
  static fromJSON(input: unknown): ShardMap {
    return new ShardMap(strategyFromJSON(input));
  }

  /** A map of `strategy` (e.g. the `next` of a strategy's `grow`). */
  static of(strategy: ShardStrategy): ShardMap {
    return new ShardMap(strategy);
  }

  /**
   * This map's buckets with `overrides` pinned on top: a `pinned-hash` map with the same ranges
   * and epoch (a bad override is `CONFIG_INVALID`; a modulo map has no buckets to pin on top of).
   *
   * @example ShardMap.hash({ shards: 4 }).withOverrides([{ key: 42, shard: 3 }]).shardOf(42, 'int') // 3
   */
  withOverrides(overrides: readonly TenantOverride[]): ShardMap {
    const json = this.toJSON();
    if (!('buckets' in json))
      throw mapError(`tenants pin on top of hash buckets, not on a ${json.strategy} map`);
    const { epoch, buckets, ranges } = json;
    return ShardMap.fromJSON({ format: 1, strategy: 'pinned-hash', epoch, buckets, ranges, overrides });
  }

  toJSON(): ShardMapJson {
    return this.strategy.toJSON();
  }

  get shardCount(): number {
    return this.strategy.shardCount;
  }

  /** The bucket of a key (hash strategies) — what a shard checks in SQL; a pinned tenant's bucket too. */
  bucketOf(key: unknown, kind: ShardKeyKind | ShardKeyType): number {
    return bucketOfHash(
      hashOfKey(normaliseKey(key, kind)),
      this.bucketCount('bucketOf() needs the hash strategy'),
    );
  }

  /**
   * SQL that is true when the row's key belongs to `shard` — lets a shard check its own
   * rows (`select count(*) from orders where not (…)` must be 0).
   *
   * @example map.ownsSql('user_id', 'int', 2) // '((((hashint8extended((user_id)::int8, 0)) % 4096) + 4096) % 4096) between 2048 and 3071'
   */
  ownsSql(columnSql: string, kind: ShardKeyKind, shard: number): string {
    return this.strategy.ownsSql(columnSql, kind, shard);
  }

  /** The shard owning `bucket` (hash strategies: the bucket's owner, whatever tenants are pinned). */
  shardOfBucket(bucket: number): number {
    const buckets = this.bucketCount('buckets need the hash strategy');
    if (!(bucket >= 0 && bucket < buckets)) throw mapError(`bucket ${bucket} is outside 0..${buckets - 1}`);
    return this.strategy.ownerOfUnit(bucket); // units 0..buckets-1 are the buckets
  }

  /** The shard index owning `key` (a column's {@link ShardKeyType} also normalises `char(n)` / `varchar(n)` keys). */
  shardOf(key: unknown, kind: ShardKeyKind | ShardKeyType): number {
    return this.strategy.ownerOfUnit(this.strategy.unitOf(normaliseKey(key, kind)));
  }

  private bucketCount(otherwise: string): number {
    const json = this.strategy.toJSON();
    if (!('buckets' in json)) throw mapError(otherwise);
    return json.buckets;
  }
}
