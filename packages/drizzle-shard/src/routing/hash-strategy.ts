import type { ShardKeyKind, ShardKeyType } from '../schema/annotations.ts';
import { bucketOfHash, bucketSql, DEFAULT_BUCKET_COUNT, hashSqlFor } from './buckets.ts';
import type { NormalisedKey } from './key-value.ts';
import { checkCount, mapError, resizeError } from './map-errors.ts';
import { hashInt8Extended, hashTextExtended, uuidHashExtended } from './pg-hash.ts';
import type { BucketRange, ShardStrategy, StrategyResize, TenantOverride, UnitMove } from './strategy.ts';

/** The bucket layout a hash map (with or without pinned tenants) stores. */
export interface BucketLayout {
  readonly epoch: number;
  readonly buckets: number;
  readonly ranges: readonly BucketRange[];
}

/**
 * `hash`: PostgreSQL's own `hashint8extended` / `hashtextextended` / `uuid_hash_extended(key, 0)`
 * into fixed buckets, buckets assigned to shards in ranges; a bucket is the unit that moves.
 */
export class HashStrategy implements ShardStrategy {
  readonly name = 'hash';
  readonly unitNoun = 'buckets';
  readonly bucketed = true;
  readonly shardCount: number;
  private readonly owner: Int32Array;

  constructor(readonly layout: BucketLayout) {
    this.owner = ownersOf(layout);
    this.shardCount = new Set(layout.ranges.map((r) => r.shard)).size;
  }

  /** Buckets split into `shards` equal contiguous ranges. */
  static even(options: { shards: number; buckets?: number; epoch?: number }): HashStrategy {
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
    return new HashStrategy({ epoch: options.epoch ?? 1, buckets, ranges });
  }

  get unitCount(): number {
    return this.layout.buckets;
  }

  toJSON() {
    const { epoch, buckets, ranges } = this.layout;
    return { format: 1, strategy: 'hash', epoch, buckets, ranges } as const;
  }

  unitOf(key: NormalisedKey): number {
    return bucketOfHash(hashOfKey(key), this.layout.buckets);
  }

  ownerOfUnit(unit: number): number {
    const owner = this.owner[unit];
    if (owner === undefined || !Number.isInteger(unit)) {
      throw mapError(`bucket ${unit} is outside 0..${this.owner.length - 1}`);
    }
    return owner;
  }

  unitLabel(unit: number): string {
    return `bucket ${unit}`;
  }

  unitSql(columnSql: string, kind: ShardKeyKind): string {
    return bucketSql(hashSqlFor(kind, columnSql), this.layout.buckets);
  }

  ownsSql(columnSql: string, kind: ShardKeyKind, shard: number): string {
    const bucket = this.unitSql(columnSql, kind);
    const ranges = this.layout.ranges
      .filter((r) => r.shard === shard)
      .map((r) => `${bucket} between ${r.from} and ${r.to}`);
    return ranges.length === 0 ? 'false' : `(${ranges.join(' or ')})`;
  }

  unitsOwnedBy(shard: number): number {
    return this.layout.ranges.filter((r) => r.shard === shard).reduce((n, r) => n + r.to - r.from + 1, 0);
  }

  ownedShare(shard: number): number {
    return this.unitsOwnedBy(shard) / this.layout.buckets;
  }

  pinnedTo(_shard: number): readonly TenantOverride[] {
    return [];
  }

  checkKeys(_type: ShardKeyKind | ShardKeyType): void {}

  /**
   * Every old shard keeps its first buckets (its fair share of the new count) and hands the
   * rest, in order, to the new shards.
   */
  grow(to: number, epoch: number): StrategyResize {
    const { buckets } = this.layout;
    if (to > buckets)
      throw resizeError(`The map has ${buckets} buckets; it cannot spread over ${to} shards.`);
    const owners = new BucketOwners(this.owner);
    const surplus: number[] = [];
    for (let s = 0; s < this.shardCount; s++) {
      const mine = [];
      for (let b = 0; b < buckets; b++) if (owners.owner[b] === s) mine.push(b);
      surplus.push(...mine.slice(fairShare(buckets, to, s)));
    }
    let next = 0;
    for (let s = this.shardCount; s < to; s++) {
      for (let k = 0; k < fairShare(buckets, to, s) && next < surplus.length; k++)
        owners.give(surplus[next++]!, s);
    }
    const map = new HashStrategy({ epoch, buckets, ranges: owners.ranges() });
    return { next: map, units: map, moves: owners.moves() };
  }

  /**
   * The shards beyond `to` hand all their buckets to the ones that stay, each of which ends with
   * its fair share of the new count (only the leaving shards' buckets move).
   */
  shrink(to: number, epoch: number): StrategyResize {
    const { buckets } = this.layout;
    const owners = new BucketOwners(this.owner);
    const leaving: number[] = [];
    const held = new Array<number>(to).fill(0);
    for (let b = 0; b < buckets; b++) {
      const s = owners.owner[b]!;
      if (s >= to) leaving.push(b);
      else held[s]!++;
    }
    let next = 0;
    for (let s = 0; s < to; s++) {
      for (let k = held[s]!; k < fairShare(buckets, to, s) && next < leaving.length; k++) {
        owners.give(leaving[next++]!, s);
      }
    }
    // A shard that stays above its share leaves others below it, and the rest still has to go somewhere.
    for (let s = 0; next < leaving.length; s = (s + 1) % to) owners.give(leaving[next++]!, s);
    const map = new HashStrategy({ epoch, buckets, ranges: owners.ranges() });
    return { next: map, units: map, moves: owners.moves() };
  }
}

/** Checks a stored bucket layout: every bucket owned exactly once, shards numbered 0..n-1. */
export function checkBucketLayout(json: BucketLayout): void {
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
}

function ownersOf(layout: BucketLayout): Int32Array {
  const owner = new Int32Array(layout.buckets).fill(-1);
  for (const r of layout.ranges) for (let b = r.from; b <= r.to; b++) owner[b] = r.shard;
  return owner;
}

/** A key's PostgreSQL extended hash (seed 0), by its kind. */
export function hashOfKey(key: NormalisedKey): bigint {
  if (key.kind === 'int') return hashInt8Extended(key.value, 0n);
  if (key.kind === 'uuid') return uuidHashExtended(key.value, 0n);
  return hashTextExtended(key.value, 0n);
}

/** Buckets shard `s` of `m` should hold: an even split of `buckets`. */
const fairShare = (buckets: number, m: number, s: number) =>
  Math.floor(((s + 1) * buckets) / m) - Math.floor((s * buckets) / m);

/** Bucket owners being replanned: `give(b, s)` moves bucket b to shard s and records the move. */
class BucketOwners {
  readonly owner: Int32Array;
  private readonly moved = new Map<string, UnitMove & { units: number[] }>();

  constructor(start: Int32Array) {
    this.owner = Int32Array.from(start);
  }

  give(bucket: number, to: number): void {
    const from = this.owner[bucket]!;
    const move = this.moved.get(`${from}>${to}`) ?? { from, to, units: [] };
    move.units.push(bucket);
    this.moved.set(`${from}>${to}`, move);
    this.owner[bucket] = to;
  }

  /** One move per old owner → new owner pair, units ascending. */
  moves(): UnitMove[] {
    return [...this.moved.values()].map((mv) => ({ ...mv, units: mv.units.sort((a, b) => a - b) }));
  }

  /** The bucket ranges, read off the owner of each bucket. */
  ranges(): BucketRange[] {
    const ranges: BucketRange[] = [];
    for (let b = 0; b < this.owner.length; b++) {
      const last = ranges.at(-1);
      if (last && last.shard === this.owner[b] && last.to === b - 1)
        ranges[ranges.length - 1] = { ...last, to: b };
      else ranges.push({ from: b, to: b, shard: this.owner[b]! });
    }
    return ranges;
  }
}
