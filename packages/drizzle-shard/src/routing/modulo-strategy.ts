import type { ShardKeyKind, ShardKeyType } from '../schema/annotations.ts';
import type { NormalisedKey } from './key-value.ts';
import { checkCount, mapError, resizeError } from './map-errors.ts';
import type { ShardStrategy, StrategyResize, TenantOverride } from './strategy.ts';

/**
 * `modulo`: the seed's `user_id % n` (integer keys); residue r lives on shard r, and a residue
 * of the finer modulus is the unit that moves.
 */
export class ModuloStrategy implements ShardStrategy {
  readonly name = 'modulo';
  readonly unitNoun = 'residues';
  readonly bucketed = false;

  constructor(
    readonly shardCount: number,
    readonly epoch: number,
  ) {
    checkCount('shards', shardCount, 1, 1 << 20);
  }

  get unitCount(): number {
    return this.shardCount;
  }

  toJSON() {
    return { format: 1, strategy: 'modulo', epoch: this.epoch, shards: this.shardCount } as const;
  }

  unitOf(key: NormalisedKey): number {
    if (key.kind !== 'int') throw mapError(`the modulo strategy needs integer keys, not ${key.kind}`);
    const n = BigInt(this.shardCount);
    return Number(((key.value % n) + n) % n);
  }

  ownerOfUnit(unit: number): number {
    if (!Number.isInteger(unit) || unit < 0 || unit >= this.shardCount) {
      throw mapError(`residue ${unit} is outside 0..${this.shardCount - 1}`);
    }
    return unit;
  }

  unitLabel(unit: number): string {
    return `residue ${unit}`;
  }

  unitSql(columnSql: string, _kind: ShardKeyKind): string {
    const n = this.shardCount;
    return `((((${columnSql})::int8 % ${n}) + ${n}) % ${n})`;
  }

  ownsSql(columnSql: string, kind: ShardKeyKind, shard: number): string {
    return `${this.unitSql(columnSql, kind)} = ${shard}`;
  }

  unitsOwnedBy(shard: number): number {
    return shard >= 0 && shard < this.shardCount ? 1 : 0;
  }

  ownedShare(_shard: number): number {
    return 1 / this.shardCount;
  }

  pinnedTo(_shard: number): readonly TenantOverride[] {
    return [];
  }

  checkKeys(_type: ShardKeyKind | ShardKeyType): void {}

  /** To a multiple of N: residue r of the new modulus moves from shard r % N to shard r. */
  grow(to: number, epoch: number): StrategyResize {
    const n = this.shardCount;
    if (to % n !== 0) {
      throw resizeError(
        `A modulo map grows only to a multiple of its shard count (${n} → ${2 * n}, ${3 * n}, …), not to ${to}: other rows would move between old shards. Use the hash strategy for other counts.`,
      );
    }
    const moves = Array.from({ length: to - n }, (_, i) => ({
      from: (n + i) % n,
      to: n + i,
      units: [n + i],
    }));
    const next = new ModuloStrategy(to, epoch);
    return { next, units: next, moves };
  }

  /** To a divisor M of N: shard r ≥ M sends its rows (residue r of the old modulus) to shard r % M. */
  shrink(to: number, epoch: number): StrategyResize {
    const n = this.shardCount;
    if (n % to !== 0) {
      throw resizeError(
        `A modulo map shrinks only to a divisor of its shard count ${n}, not to ${to}: other rows would move between the shards that stay. Use the hash strategy for other counts.`,
      );
    }
    const moves = Array.from({ length: n - to }, (_, i) => ({
      from: to + i,
      to: (to + i) % to,
      units: [to + i],
    }));
    return { next: new ModuloStrategy(to, epoch), units: this, moves };
  }
}
