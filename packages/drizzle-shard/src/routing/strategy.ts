import type { ShardKeyKind, ShardKeyType } from '../schema/annotations.ts';
import type { NormalisedKey } from './key-value.ts';

/** A contiguous range of buckets `[from, to]` owned by one shard. */
export interface BucketRange {
  readonly from: number;
  readonly to: number;
  readonly shard: number;
}

/** A tenant (one shard key value) pinned to a shard, whatever its bucket's owner. */
export interface TenantOverride {
  /** The shard key value: a string (text or uuid keys) or an integer (a string of digits works too). */
  readonly key: string | number;
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
  | { readonly format: 1; readonly strategy: 'modulo'; readonly epoch: number; readonly shards: number }
  | {
      readonly format: 1;
      readonly strategy: 'pinned-hash';
      readonly epoch: number;
      readonly buckets: number;
      readonly ranges: readonly BucketRange[];
      /** Tenants placed by hand; every other key goes by its bucket. Unit `buckets + i` is override `i`. */
      readonly overrides: readonly TenantOverride[];
    };

/** Placement units (buckets, residues, pinned tenants) that move from one shard to another. */
export interface UnitMove {
  readonly from: number;
  readonly to: number;
  /** Sorted, ascending. */
  readonly units: readonly number[];
}

/** What growing or shrinking a map does: the next map and the units that change owner. */
export interface StrategyResize {
  readonly next: ShardStrategy;
  /**
   * The strategy whose units the moves are made of: the finer of the two (the next one, except
   * a modulo map shrinking, whose rows are named by residues of the old modulus).
   */
  readonly units: ShardStrategy;
  readonly moves: readonly UnitMove[];
}

/**
 * A shard strategy: which shard owns a key, the SQL that says the same on a shard, the units
 * that can move between shards and how the map grows and shrinks. The runtime, `split`,
 * `reshard`, `verify` and `doctor` ask a strategy, never the strategy's name, so a new strategy
 * is one file implementing this (and one line in `strategies.ts`).
 *
 * A strategy's resize methods throw `DrizzleShardError` `SHARD_MAP_RESIZE` when the map cannot
 * take that shard count (the message says which counts it can take).
 */
export interface ShardStrategy {
  /** The `strategy` field of its JSON. */
  readonly name: ShardMapJson['strategy'];
  readonly shardCount: number;
  /** What its placement units are called, plural (`buckets`, `residues`): for progress lines. */
  readonly unitNoun: string;
  /** Whether units are hash buckets a shard-aware id can carry (ids keep routing when units move). */
  readonly bucketed: boolean;
  /** Units are `0 … unitCount - 1`. */
  readonly unitCount: number;
  toJSON(): ShardMapJson;
  /** The unit of a key, checked and normalised for its column type. */
  unitOf(key: NormalisedKey): number;
  /** The shard owning a unit; throws `SHARD_MAP_INVALID` outside `0 … unitCount - 1`. */
  ownerOfUnit(unit: number): number;
  /** A unit in words, for reports: `bucket 17`, `residue 2`, `pinned tenant "acme"`. */
  unitLabel(unit: number): string;
  /** SQL computing a row's unit from its key column (equal to {@link unitOf}). */
  unitSql(columnSql: string, kind: ShardKeyKind): string;
  /** SQL true when a row's key belongs to `shard`. */
  ownsSql(columnSql: string, kind: ShardKeyKind, shard: number): string;
  /** The part of the key space `shard` owns (0..1), for progress estimates. */
  ownedShare(shard: number): number;
  /** How many units `shard` owns. */
  unitsOwnedBy(shard: number): number;
  /** Tenants placed on `shard` by hand: a rebalance of units does not move them (none for plain strategies). */
  pinnedTo(shard: number): readonly TenantOverride[];
  /** Checks every key the map names (pinned tenants) against a key column type; `CONFIG_INVALID` when one is not such a key. */
  checkKeys(type: ShardKeyKind | ShardKeyType): void;
  /** Resizing to `to` shards (old shards stay first) with `epoch`, moving as little as possible. */
  grow(to: number, epoch: number): StrategyResize;
  shrink(to: number, epoch: number): StrategyResize;
}
