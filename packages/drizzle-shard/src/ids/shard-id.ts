import { DrizzleShardError } from '../errors.ts';

/**
 * Shard-aware 64-bit IDs, so a row's id alone names its shard (an `orders.id` in a URL can be
 * routed without the user id). Layout, high to low, of a positive int8:
 *
 *   | 0 | 41 bits: ms since 2024-01-01 UTC | 12 bits: bucket | 10 bits: per-shard sequence |
 *
 * The bucket is the owning key's bucket under the hash shard map, so the id keeps routing after
 * buckets move to other shards (the map, not the id, says where a bucket lives). IDs are made in
 * the database by `drizzle_shard_id(bucket)` (the Instagram scheme): the sequence is per shard
 * and buckets are per shard, so two shards never make the same id, and one shard makes up to
 * 1,024 per millisecond per bucket before the sequence wraps in the same millisecond. Times run
 * out in 2093. Values exceed 2^53: declare such columns `bigint(..., { mode: 'bigint' })`.
 */
export const SHARD_ID_EPOCH_MS = Date.UTC(2024, 0, 1);
export const SHARD_ID_BUCKET_BITS = 12;
export const SHARD_ID_SEQUENCE_BITS = 10;
/** Largest bucket count whose buckets fit into an id. */
export const SHARD_ID_MAX_BUCKETS = 1 << SHARD_ID_BUCKET_BITS;

const SEQUENCE_MASK = (1n << BigInt(SHARD_ID_SEQUENCE_BITS)) - 1n;
const BUCKET_MASK = (1n << BigInt(SHARD_ID_BUCKET_BITS)) - 1n;
const TIME_SHIFT = BigInt(SHARD_ID_BUCKET_BITS + SHARD_ID_SEQUENCE_BITS);
const TIME_MAX = (1n << 41n) - 1n;

/** The parts of a shard-aware id. */
export interface ShardIdParts {
  /** When the id was made (millisecond precision). */
  readonly time: Date;
  readonly bucket: number;
  readonly sequence: number;
}

/**
 * SQL (run once on every shard, e.g. in a migration) that creates the id sequence and the
 * `drizzle_shard_id(bucket int) returns bigint` function. Idempotent.
 */
export const SHARD_ID_DDL = `
do $seq$ begin
  if to_regclass('drizzle_shard_id_seq') is null then create sequence drizzle_shard_id_seq; end if;
end $seq$;
create or replace function drizzle_shard_id(bucket int) returns bigint
language plpgsql volatile as $fn$
declare
  ms bigint := floor(extract(epoch from clock_timestamp()) * 1000)::bigint - ${SHARD_ID_EPOCH_MS};
begin
  if bucket is null or bucket < 0 or bucket >= ${SHARD_ID_MAX_BUCKETS} then
    raise exception 'drizzle_shard_id: bucket % is outside 0..${SHARD_ID_MAX_BUCKETS - 1}', bucket;
  end if;
  return (ms << ${Number(TIME_SHIFT)}) | (bucket::bigint << ${SHARD_ID_SEQUENCE_BITS})
    | (nextval('drizzle_shard_id_seq') % ${1 << SHARD_ID_SEQUENCE_BITS});
end
$fn$;
`;

function toBigInt(id: bigint | number | string): bigint | undefined {
  if (typeof id === 'bigint') return id;
  if (typeof id === 'number') return Number.isSafeInteger(id) ? BigInt(id) : undefined;
  return /^\d+$/.test(id) ? BigInt(id) : undefined;
}

/**
 * Splits a shard-aware id into its parts; `SHARD_KEY_INVALID` for anything that is not one
 * (negative, over 63 bits, not an integer).
 */
export function decodeShardId(id: bigint | number | string): ShardIdParts {
  const value = toBigInt(id);
  if (value === undefined || value < 0n || value >> TIME_SHIFT > TIME_MAX) {
    throw new DrizzleShardError(
      'SHARD_KEY_INVALID',
      `${String(id)} is not a shard-aware id (a positive 63-bit integer made by drizzle_shard_id()). Pass the id as a bigint or a decimal string: numbers above 2^53 lose digits.`,
    );
  }
  return {
    time: new Date(SHARD_ID_EPOCH_MS + Number(value >> TIME_SHIFT)),
    bucket: Number((value >> BigInt(SHARD_ID_SEQUENCE_BITS)) & BUCKET_MASK),
    sequence: Number(value & SEQUENCE_MASK),
  };
}

/** Builds an id from its parts (for tests and tooling; ids are normally made in the database). */
export function composeShardId(parts: { time: Date | number; bucket: number; sequence: number }): bigint {
  const ms = BigInt(Math.floor(+parts.time) - SHARD_ID_EPOCH_MS);
  if (ms < 0n || ms > TIME_MAX) throw new RangeError(`time out of the id range (2024-01-01 .. 2093)`);
  if (!Number.isInteger(parts.bucket) || parts.bucket < 0 || parts.bucket >= SHARD_ID_MAX_BUCKETS)
    throw new RangeError(`bucket must be 0..${SHARD_ID_MAX_BUCKETS - 1}`);
  if (!Number.isInteger(parts.sequence) || parts.sequence < 0 || BigInt(parts.sequence) > SEQUENCE_MASK)
    throw new RangeError(`sequence must be 0..${SEQUENCE_MASK}`);
  return (
    (ms << TIME_SHIFT) | (BigInt(parts.bucket) << BigInt(SHARD_ID_SEQUENCE_BITS)) | BigInt(parts.sequence)
  );
}
