import { DrizzleShardError } from '../errors.ts';
import type { ShardKeyKind, ShardKeyType } from '../schema/annotations.ts';
import { type BucketLayout, HashStrategy } from './hash-strategy.ts';
import { type NormalisedKey, normaliseKey } from './key-value.ts';
import { resizeError } from './map-errors.ts';
import type { ShardStrategy, StrategyResize, TenantOverride, UnitMove } from './strategy.ts';

/**
 * `pinned-hash`: hash buckets, with some tenants (shard key values) pinned to a shard of their
 * own choosing. A pinned tenant is a unit of its own, numbered after the buckets (`buckets + i`
 * for override `i`), so its rows move only when its override changes: a reshard moves buckets
 * around it.
 *
 * @example
 * const map = ShardMap.fromJSON({ format: 1, strategy: 'pinned-hash', epoch: 1, buckets: 4096,
 *   ranges: ShardMap.hash({ shards: 4 }).toJSON().ranges, overrides: [{ key: 42, shard: 3 }] });
 * map.shardOf(42, 'int'); // 3
 */
export class PinnedHashStrategy implements ShardStrategy {
  readonly name = 'pinned-hash';
  readonly unitNoun = 'units';
  readonly bucketed = true;
  readonly hash: HashStrategy;
  /** Override index by normalised key, per key kind (filled on first use). */
  private readonly index = new Map<string, Map<string, number>>();

  constructor(
    layout: BucketLayout,
    readonly overrides: readonly TenantOverride[],
  ) {
    this.hash = new HashStrategy(layout);
    checkOverrides(overrides, this.hash.shardCount);
  }

  get shardCount(): number {
    return this.hash.shardCount;
  }

  get unitCount(): number {
    return this.hash.unitCount + this.overrides.length;
  }

  toJSON() {
    return { ...this.hash.toJSON(), strategy: 'pinned-hash', overrides: this.overrides } as const;
  }

  unitOf(key: NormalisedKey): number {
    const pinned = this.indexFor(key.kind).get(String(key.value));
    return pinned === undefined ? this.hash.unitOf(key) : this.hash.unitCount + pinned;
  }

  ownerOfUnit(unit: number): number {
    const pinned = unit - this.hash.unitCount;
    if (pinned >= 0 && pinned < this.overrides.length && Number.isInteger(pinned))
      return this.overrides[pinned]!.shard;
    return this.hash.ownerOfUnit(unit);
  }

  unitLabel(unit: number): string {
    const pinned = this.overrides[unit - this.hash.unitCount];
    return pinned ? `pinned tenant ${JSON.stringify(pinned.key)}` : this.hash.unitLabel(unit);
  }

  unitSql(columnSql: string, kind: ShardKeyKind): string {
    const cases = this.overrides.map(
      (o, i) => `when ${equalsSql(columnSql, kind, o)} then ${this.hash.unitCount + i}`,
    );
    return caseSql(cases, this.hash.unitSql(columnSql, kind));
  }

  ownsSql(columnSql: string, kind: ShardKeyKind, shard: number): string {
    const cases = this.overrides.map(
      (o) => `when ${equalsSql(columnSql, kind, o)} then ${o.shard === shard}`,
    );
    return caseSql(cases, this.hash.ownsSql(columnSql, kind, shard));
  }

  unitsOwnedBy(shard: number): number {
    return this.hash.unitsOwnedBy(shard) + this.overrides.filter((o) => o.shard === shard).length;
  }

  ownedShare(shard: number): number {
    return this.hash.ownedShare(shard);
  }

  /** The tenants pinned to `shard`. */
  pinnedTo(shard: number): TenantOverride[] {
    return this.overrides.filter((o) => o.shard === shard);
  }

  checkKeys(type: ShardKeyKind | ShardKeyType): void {
    const kind = typeof type === 'string' ? type : type.kind;
    const seen = new Map<string, number>();
    for (const [i, o] of this.overrides.entries()) {
      const asStored = keyOf(o, i, type).value;
      if (String(asStored) !== String(keyOf(o, i, kind).value)) {
        throw overrideError(
          i,
          o,
          `key is not written as the ${kind} column stores it; write it without padding`,
        );
      }
      const other = seen.get(String(asStored));
      if (other !== undefined) throw overrideError(i, o, `the same tenant as override ${other}`);
      seen.set(String(asStored), i);
    }
  }

  /** Buckets spread over the new shards as a plain hash map would; pinned tenants stay. */
  grow(to: number, epoch: number): StrategyResize {
    return this.around(this.hash.grow(to, epoch));
  }

  /** Refused while a tenant is pinned to a leaving shard: pin it elsewhere first. */
  shrink(to: number, epoch: number): StrategyResize {
    const leaving = this.overrides.find((o) => o.shard >= to);
    if (leaving) {
      throw resizeError(
        `Tenant ${JSON.stringify(leaving.key)} is pinned to shard ${leaving.shard}, which leaves when the fleet shrinks to ${to}: pin it to one of shards 0..${to - 1} first (a reshard with new overrides), then shrink.`,
      );
    }
    return this.around(this.hash.shrink(to, epoch));
  }

  /**
   * A map with the same buckets and these `overrides` instead: the pinned tenants whose shard
   * changes are the moves (a tenant pinned for the first time leaves its bucket's owner).
   * Unpinning is not a move this map can make (its rows would fall back into a bucket unit);
   * keep the override and point it at the bucket's owner instead.
   */
  repin(overrides: readonly TenantOverride[], epoch: number, kind: ShardKeyKind): StrategyResize {
    new PinnedHashStrategy({ ...this.hash.layout, epoch }, overrides).checkKeys(kind);
    // Shard-aware ids carry a pinned tenant's unit (`buckets + i`): a tenant pinned before keeps
    // its `i`, whatever order the new list is written in; new tenants come after.
    const kept = this.overrides.map((o) => {
      const now = overrides.find((n) => sameKey(n, o, kind));
      if (!now)
        throw resizeError(
          `Tenant ${JSON.stringify(o.key)} would lose its override; point it at a shard instead`,
        );
      return { key: o.key, shard: now.shard };
    });
    const added = overrides.filter((n) => !this.overrides.some((o) => sameKey(n, o, kind)));
    const next = new PinnedHashStrategy({ ...this.hash.layout, epoch }, [...kept, ...added]);
    const moves: UnitMove[] = [];
    for (const [j, o] of next.overrides.entries()) {
      const key = keyOf(o, j, kind);
      const from = this.ownerOfUnit(this.unitOf(key));
      if (from !== o.shard) moves.push({ from, to: o.shard, units: [this.hash.unitCount + j] });
    }
    return { next, units: next, moves: mergeMoves(moves) };
  }

  private around(resized: StrategyResize): StrategyResize {
    const next = new PinnedHashStrategy((resized.next as HashStrategy).layout, this.overrides);
    return { next, units: next, moves: resized.moves };
  }

  private indexFor(kind: ShardKeyKind): Map<string, number> {
    let index = this.index.get(kind);
    if (!index) {
      index = new Map(this.overrides.map((o, i) => [String(keyOf(o, i, kind).value), i]));
      this.index.set(kind, index);
    }
    return index;
  }
}

/** Structure only (the key's type is checked against the schema by {@link PinnedHashStrategy.checkKeys}). */
function checkOverrides(overrides: readonly TenantOverride[], shardCount: number): void {
  if (!Array.isArray(overrides)) throw overrideError(-1, undefined, 'overrides must be an array');
  const seen = new Map<string, number>();
  for (const [i, o] of overrides.entries()) {
    const key = (o as { key?: unknown })?.key;
    if (!(typeof key === 'string' || Number.isSafeInteger(key)))
      throw overrideError(i, o, 'key must be a string or an integer');
    if (!Number.isInteger(o.shard) || o.shard < 0 || o.shard >= shardCount)
      throw overrideError(
        i,
        o,
        `shard ${JSON.stringify(o.shard)} is not one of the map's shards 0..${shardCount - 1} (an integer)`,
      );
    const other = seen.get(String(key));
    if (other !== undefined) throw overrideError(i, o, `the same tenant as override ${other}`);
    seen.set(String(key), i);
  }
}

function keyOf(o: TenantOverride, i: number, type: ShardKeyKind | ShardKeyType): NormalisedKey {
  try {
    return normaliseKey(o.key, type, 'pinned tenant key');
  } catch (error) {
    const kind = typeof type === 'string' ? type : type.kind;
    throw overrideError(i, o, `key is not a shard key value for ${kind} keys (${(error as Error).message})`);
  }
}

const sameKey = (a: TenantOverride, b: TenantOverride, kind: ShardKeyKind) =>
  String(normaliseKey(a.key, kind).value) === String(normaliseKey(b.key, kind).value);

/** One move per from → to pair, units ascending. */
function mergeMoves(moves: readonly UnitMove[]): UnitMove[] {
  const merged = new Map<string, { from: number; to: number; units: number[] }>();
  for (const m of moves) {
    const into = merged.get(`${m.from}>${m.to}`) ?? { from: m.from, to: m.to, units: [] };
    into.units.push(...m.units);
    merged.set(`${m.from}>${m.to}`, into);
  }
  return [...merged.values()].map((m) => ({ ...m, units: m.units.sort((a, b) => a - b) }));
}

/** `case … else … end`, or the `else` alone when nothing is pinned (SQL wants a `when`). */
const caseSql = (cases: readonly string[], otherwise: string) =>
  cases.length === 0 ? otherwise : `(case ${cases.join(' ')} else ${otherwise} end)`;

/** `column = key` in SQL, the column cast as its hash function reads it. */
function equalsSql(columnSql: string, kind: ShardKeyKind, o: TenantOverride): string {
  const value = normaliseKey(o.key, kind, 'pinned tenant key').value;
  if (kind === 'int') return `(${columnSql})::int8 = ${value}`;
  const literal = `'${String(value).replaceAll("'", "''")}'`;
  return kind === 'uuid' ? `(${columnSql})::uuid = ${literal}::uuid` : `(${columnSql})::text = ${literal}`;
}

function overrideError(index: number, override: unknown, reason: string): DrizzleShardError {
  // The key is shown: an override names a tenant on purpose, in the map's own file.
  return new DrizzleShardError(
    'CONFIG_INVALID',
    `Invalid tenant override${index >= 0 ? ` ${index} (${JSON.stringify(override)})` : ''} in the shard map: ${reason}.`,
    { override: index, value: override, reason },
  );
}
