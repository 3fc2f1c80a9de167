import { DrizzleShardError } from '../errors.ts';
import type { ShardKeyKind, ShardKeyType } from '../schema/annotations.ts';
import { bucketOfHash, bucketSql, DEFAULT_BUCKET_COUNT, hashSqlFor } from './buckets.ts';
import { type NormalisedKey, normaliseKey } from './key-value.ts';
import { hashInt8Extended, hashTextExtended, uuidHashExtended } from './pg-hash.ts';

/** A contiguous range of buckets `[from, to]` owned by one shard. */
export interface BucketRange {
  readonly from: number;
  readonly to: number;
  readonly shard: number;
}

/** The serialised map: data, not code. Resharding writes a new one with a higher `epoch`. */
export type ShardMapJson =
  | {
      readonly format: 1;
      readonly strategy: 'hash';
      readonly epoch: number;
      readonly buckets: number;
      readonly ranges: readonly BucketRange[];
    }
  | { readonly format: 1; readonly strategy: 'modulo'; readonly epoch: number; readonly shards: number };

/**
 * Which shard owns a key. `hash` (default): PostgreSQL's own `hashint8extended` /
 * `hashtextextended` / `uuid_hash_extended(key, 0)` into fixed buckets, buckets assigned to
 * shards in ranges, so SQL can check ownership and buckets can move. `modulo`: the seed's
 * `user_id % n`.
 *
 * @example
 * const map = ShardMap.hash({ shards: 4 });
 * map.shardOf(42, 'int'); // 0..3, equal to the SQL in map.shardSql('user_id', 'int')
 */
export class ShardMap {
  private readonly bucketOwner?: Int32Array;

  private constructor(readonly json: ShardMapJson) {
    if (json.strategy === 'hash') {
      this.bucketOwner = new Int32Array(json.buckets).fill(-1);
      for (const r of json.ranges) for (let b = r.from; b <= r.to; b++) this.bucketOwner[b] = r.shard;
    }
  }

  /** Buckets split into `shards` equal contiguous ranges. */
  static hash(options: { shards: number; buckets?: number; epoch?: number }): ShardMap {
    const buckets = options.buckets ?? DEFAULT_BUCKET_COUNT;
    checkCount('shards', options.shards, 1, buckets);
    const ranges: BucketRange[] = [];
    for (let s = 0; s < options.shards; s++) {
      ranges.push({
        from: Math.floor((s * buckets) / options.shards),
        to: Math.floor(((s + 1) * buckets) / options.shards) - 1,
        shard: s,
      });
    }
    return ShardMap.fromJSON({ format: 1, strategy: 'hash', epoch: options.epoch ?? 1, buckets, ranges });
  }

  /** The seed's layout: integer key mod `shards`. */
  static modulo(shards: number, epoch = 1): ShardMap {
    checkCount('shards', shards, 1, 1 << 20);
    return new ShardMap({ format: 1, strategy: 'modulo', epoch, shards });
  }

  /** Parses and validates a stored map (every bucket owned exactly once, shards 0..n-1 used). */
  static fromJSON(input: unknown): ShardMap {
    const json = input as ShardMapJson;
    if (typeof json !== 'object' || json === null || json.format !== 1) {
      throw mapError('expected an object with format: 1');
    }
    if (json.strategy === 'modulo') {
      checkCount('shards', json.shards, 1, 1 << 20);
      return new ShardMap(json);
    }
    if (json.strategy !== 'hash')
      throw mapError(`unknown strategy ${String((json as { strategy?: unknown }).strategy)}`);
    checkCount('buckets', json.buckets, 1, 1 << 20);
    const seen = new Int32Array(json.buckets).fill(-1);
    for (const r of json.ranges ?? []) {
      if (
        !Number.isInteger(r.from) ||
        !Number.isInteger(r.to) ||
        r.from < 0 ||
        r.to >= json.buckets ||
        r.from > r.to
      ) {
        throw mapError(`bad range ${JSON.stringify(r)}`);
      }
      for (let b = r.from; b <= r.to; b++) {
        if (seen[b] !== -1) throw mapError(`bucket ${b} is assigned twice`);
        seen[b] = r.shard;
      }
    }
    const missing = seen.indexOf(-1);
    if (missing !== -1) throw mapError(`bucket ${missing} has no shard`);
    const shards = new Set(json.ranges.map((r) => r.shard));
    for (let s = 0; s < shards.size; s++)
      if (!shards.has(s)) throw mapError(`shards must be numbered 0..${shards.size - 1}`);
    return new ShardMap(json);
  }

  toJSON(): ShardMapJson {
    return this.json;
  }

  get strategy(): 'hash' | 'modulo' {
    return this.json.strategy;
  }

  get shardCount(): number {
    return this.json.strategy === 'modulo'
      ? this.json.shards
      : new Set(this.json.ranges.map((r) => r.shard)).size;
  }

  /** The bucket of a key (hash strategy) — what a shard checks in SQL. */
  bucketOf(key: unknown, kind: ShardKeyKind | ShardKeyType): number {
    if (this.json.strategy !== 'hash') throw mapError('bucketOf() needs the hash strategy');
    return bucketOfHash(hashOf(normaliseKey(key, kind)), this.json.buckets);
  }

  /**
   * SQL that is true when the row's key belongs to `shard` — lets a shard check its own
   * rows (`select count(*) from orders where not (…)` must be 0).
   *
   * @example map.ownsSql('user_id', 'int', 2) // '((((hashint8extended((user_id)::int8, 0)) % 4096) + 4096) % 4096) between 2048 and 3071'
   */
  ownsSql(columnSql: string, kind: ShardKeyKind, shard: number): string {
    if (this.json.strategy === 'modulo') {
      return `((((${columnSql})::int8 % ${this.json.shards}) + ${this.json.shards}) % ${this.json.shards}) = ${shard}`;
    }
    const bucket = bucketSql(hashSqlFor(kind, columnSql), this.json.buckets);
    const ranges = this.json.ranges
      .filter((r) => r.shard === shard)
      .map((r) => `${bucket} between ${r.from} and ${r.to}`);
    return ranges.length === 0 ? 'false' : `(${ranges.join(' or ')})`;
  }

  /** The shard owning `bucket` (hash strategy). */
  shardOfBucket(bucket: number): number {
    const owner = this.bucketOwner?.[bucket];
    if (owner === undefined) {
      throw mapError(
        this.bucketOwner
          ? `bucket ${bucket} is outside 0..${this.bucketOwner.length - 1}`
          : 'buckets need the hash strategy',
      );
    }
    return owner;
  }

  /** The shard index owning `key` (a column's {@link ShardKeyType} also normalises `char(n)` / `varchar(n)` keys). */
  shardOf(key: unknown, kind: ShardKeyKind | ShardKeyType): number {
    const k = normaliseKey(key, kind);
    if (this.json.strategy === 'modulo') {
      if (k.kind !== 'int') throw mapError(`the modulo strategy needs integer keys, not ${k.kind}`);
      const n = BigInt(this.json.shards);
      return Number(((k.value % n) + n) % n);
    }
    return this.bucketOwner![bucketOfHash(hashOf(k), this.json.buckets)]!;
  }
}

function hashOf(key: NormalisedKey): bigint {
  if (key.kind === 'int') return hashInt8Extended(key.value, 0n);
  if (key.kind === 'uuid') return uuidHashExtended(key.value, 0n);
  return hashTextExtended(key.value, 0n);
}

function checkCount(name: string, value: unknown, min: number, max: number): void {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw mapError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
}

function mapError(detail: string): DrizzleShardError {
  return new DrizzleShardError('SHARD_MAP_INVALID', `Invalid shard map: ${detail}.`);
}
