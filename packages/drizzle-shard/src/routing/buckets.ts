/**
 * Maps PostgreSQL extended hashes to buckets, identically in TypeScript and in SQL, so
 * the client and the server always agree on which bucket (and thus shard) a key is in.
 */

/** Buckets per table unless configured otherwise; a power of two keeps the mapping cheap. */
export const DEFAULT_BUCKET_COUNT = 4096;

/** Largest bucket count: keeps the SQL literal an int4, so `bucketSql` stays all-int8 arithmetic. */
const MAX_BUCKET_COUNT = 2147483647;

function checkBucketCount(bucketCount: number): void {
  if (!Number.isInteger(bucketCount) || bucketCount < 1 || bucketCount > MAX_BUCKET_COUNT) {
    throw new RangeError(`bucketCount must be an integer from 1 to ${MAX_BUCKET_COUNT}, got ${bucketCount}`);
  }
}

/**
 * The bucket of an int8 hash: the non-negative remainder `((hash % B) + B) % B`.
 *
 * @param hash - A signed 64-bit hash, e.g. from `hashInt8Extended`.
 * @param bucketCount - Number of buckets `B`, 1 to 2^31-1.
 * @returns An integer in `[0, bucketCount)`.
 * @throws RangeError on an invalid bucket count.
 */
export function bucketOfHash(hash: bigint, bucketCount: number): number {
  checkBucketCount(bucketCount);
  if ((bucketCount & (bucketCount - 1)) === 0) {
    // For B = 2^k the non-negative remainder of a two's-complement value is its low k
    // bits, which avoids two BigInt divisions on the hot path.
    return Number(BigInt.asUintN(31 - Math.clz32(bucketCount), hash));
  }
  const b = BigInt(bucketCount);
  return Number(((hash % b) + b) % b);
}

/**
 * SQL computing the same bucket as {@link bucketOfHash} from an int8 hash expression.
 * PostgreSQL's int8 `%` keeps the dividend's sign (like BigInt `%`), hence the `+ B`.
 *
 * @param hashSql - Trusted SQL text of an int8 expression; it is inserted verbatim, not escaped.
 * @param bucketCount - Number of buckets, 1 to 2^31-1.
 * @example bucketSql('hashint8extended((id)::int8, 0)', 4096)
 *   // => '(((hashint8extended((id)::int8, 0)) % 4096) + 4096) % 4096'
 */
export function bucketSql(hashSql: string, bucketCount: number): string {
  checkBucketCount(bucketCount);
  return `(((${hashSql}) % ${bucketCount}) + ${bucketCount}) % ${bucketCount}`;
}

/** Which PostgreSQL extended hash function a shard key column goes through. */
export type ShardKeyHashKind = 'int' | 'text' | 'uuid';

/**
 * SQL text hashing a shard key column exactly as the matching TypeScript function does
 * (`hashInt8Extended`, `hashTextExtended`, `uuidHashExtended`, all with seed 0).
 * Integer keys are always cast to int8: `hashint8extended` equals `hashint4extended` /
 * `hashint2extended` for the same value, so the cast never changes a key's bucket.
 *
 * @param columnSql - Trusted SQL text of the column or expression; inserted verbatim, not escaped.
 */
export function hashSqlFor(kind: ShardKeyHashKind, columnSql: string): string {
  switch (kind) {
    case 'int':
      return `hashint8extended((${columnSql})::int8, 0)`;
    case 'text':
      return `hashtextextended((${columnSql})::text, 0)`;
    case 'uuid':
      return `uuid_hash_extended((${columnSql})::uuid, 0)`;
    default: {
      const unknown: never = kind;
      throw new TypeError(`Unknown shard key hash kind: ${String(unknown)}`);
    }
  }
}
