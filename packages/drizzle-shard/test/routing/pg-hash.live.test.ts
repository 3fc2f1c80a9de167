import { type Cluster, startCluster } from '@drizzle-shard/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketOfHash, bucketSql, DEFAULT_BUCKET_COUNT, hashSqlFor } from '../../src/routing/buckets.ts';
import { hashInt8Extended, hashTextExtended, uuidHashExtended } from '../../src/routing/pg-hash.ts';

// Compares the TypeScript ports with a live PostgreSQL for many random keys of each kind.
// Reproduce a failure with PG_HASH_SEED=<seed printed in the failure message>.
const SEED = Number(process.env.PG_HASH_SEED ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
const KEYS_PER_KIND = 100_000;
const BATCH = 10_000;
/** A second, non-power-of-two bucket count, so bucketOfHash's general path is checked too. */
const ODD_BUCKET_COUNT = 1000;
const MAX_REPORTED = 5;

/** mulberry32: tiny seeded 32-bit PRNG, so every run can be replayed from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

type Random = ReturnType<typeof prng>;

function intBelow(random: Random, n: number): number {
  return Math.floor((random() / 2 ** 32) * n);
}

/** Full int64 range, biased towards the edges and int4 range where folding bugs would hide. */
function randomInt8(random: Random): bigint {
  const full = BigInt.asIntN(64, (BigInt(random()) << 32n) | BigInt(random()));
  switch (intBelow(random, 8)) {
    case 0:
      return BigInt(intBelow(random, 2001) - 1000);
    case 1:
      return BigInt(random() | 0); // int4 range
    case 2:
      return BigInt.asIntN(64, (1n << 63n) + BigInt(intBelow(random, 1000))); // near int64 min
    case 3:
      return 2n ** 63n - 1n - BigInt(intBelow(random, 1000)); // near int64 max
    case 4:
      return BigInt.asIntN(64, full >> BigInt(intBelow(random, 64))); // every magnitude
    default:
      return full;
  }
}

/** int2/int4-sized keys as JS numbers (the number fast path). */
function randomSmallInt(random: Random): number {
  return intBelow(random, 2) === 0 ? intBelow(random, 65536) - 32768 : random() | 0;
}

/** A random valid Unicode scalar value: no NUL, no surrogates; mostly short encodings. */
function randomCodePoint(random: Random): number {
  switch (intBelow(random, 4)) {
    case 0:
      return 1 + intBelow(random, 0x7f); // ASCII
    case 1:
      return 0x80 + intBelow(random, 0x800 - 0x80); // 2-byte UTF-8
    case 2: {
      const cp = 0x800 + intBelow(random, 0x10000 - 0x800 - 0x800); // 3-byte UTF-8 minus surrogates
      return cp >= 0xd800 ? cp + 0x800 : cp;
    }
    default:
      return 0x10000 + intBelow(random, 0x110000 - 0x10000); // 4-byte UTF-8 (a surrogate pair in JS)
  }
}

function randomText(random: Random): string {
  const length = intBelow(random, 65);
  const asciiOnly = intBelow(random, 3) === 0;
  const codePoints: number[] = [];
  for (let i = 0; i < length; i++) {
    codePoints.push(asciiOnly ? 1 + intBelow(random, 0x7f) : randomCodePoint(random));
  }
  return String.fromCodePoint(...codePoints);
}

function randomUuid(random: Random): string {
  const hex = [random(), random(), random(), random()].map((w) => w.toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

interface HashRow {
  readonly k: string;
  readonly h: string;
  /** int8 columns arrive as text from postgres.js. */
  readonly b: string;
  readonly o: string;
}

interface Mismatch {
  readonly key: string;
  readonly field: string;
  readonly postgres: string;
  readonly typescript: string;
}

describe(`PostgreSQL hash ports vs a live server (seed ${SEED})`, () => {
  let cluster: Cluster | undefined;
  let sql: postgres.Sql;

  beforeAll(async () => {
    cluster = await startCluster();
    sql = postgres(cluster.shards[0]!.primary.url, { max: 1, onnotice: () => {} });
    // postgres.js loads array type oids with the first query; until then sql.array()
    // serializes without braces ("malformed array literal"), so warm the connection up.
    await sql`select 1`;
  });

  afterAll(async () => {
    await sql?.end();
    await cluster?.destroy();
  });

  /**
   * Hashes `keys` in PostgreSQL in batches (sent as one text[] per query), checks that
   * each key survived the round trip, and compares hash and buckets with `hashOf`.
   */
  async function compare(
    kind: 'int' | 'text' | 'uuid',
    keys: readonly string[],
    hashOf: (index: number) => bigint,
  ): Promise<void> {
    const hash = hashSqlFor(kind, 'k');
    const columns = sql.unsafe(
      `k::text as k, (${hash})::text as h, ${bucketSql(hash, DEFAULT_BUCKET_COUNT)} as b, ` +
        `${bucketSql(hash, ODD_BUCKET_COUNT)} as o`,
    );
    const mismatches: Mismatch[] = [];
    let compared = 0;
    for (let start = 0; start < keys.length; start += BATCH) {
      const batch = keys.slice(start, start + BATCH);
      const rows = await sql<HashRow[]>`
        select ${columns}
        from unnest(${sql.array(batch as string[])}::text[]) with ordinality as t(k, i)
        order by i`;
      expect(rows.length).toBe(batch.length);
      rows.forEach((row, offset) => {
        const index = start + offset;
        const key = keys[index]!;
        const expected = BigInt(row.h);
        const actual = hashOf(index);
        const record = (field: string, pg: unknown, ts: unknown) => {
          if (mismatches.length < MAX_REPORTED) {
            mismatches.push({
              key: JSON.stringify(key),
              field,
              postgres: String(pg),
              typescript: String(ts),
            });
          }
        };
        // Guards the test itself: a key mangled in transit would look like a hash bug.
        if (kind === 'text' && row.k !== key) record('round trip', row.k, key);
        if (actual !== expected) {
          record('hash', expected, actual);
        } else {
          // Buckets only say something new when the hashes agree.
          const bucket = bucketOfHash(actual, DEFAULT_BUCKET_COUNT);
          if (Number(row.b) !== bucket) record(`bucket/${DEFAULT_BUCKET_COUNT}`, row.b, bucket);
          const odd = bucketOfHash(actual, ODD_BUCKET_COUNT);
          if (Number(row.o) !== odd) record(`bucket/${ODD_BUCKET_COUNT}`, row.o, odd);
        }
        compared++;
      });
    }
    expect(mismatches, `first mismatches (reproduce with PG_HASH_SEED=${SEED})`).toEqual([]);
    expect(compared).toBe(keys.length);
  }

  it(`hashInt8Extended(bigint) = hashint8extended for ${KEYS_PER_KIND} int8 keys`, async () => {
    const random = prng(SEED);
    const keys = Array.from({ length: KEYS_PER_KIND }, () => randomInt8(random));
    await compare('int', keys.map(String), (i) => hashInt8Extended(keys[i]!));
  });

  it(`hashInt8Extended(number) = hashint8extended for ${KEYS_PER_KIND} int2/int4-sized keys`, async () => {
    const random = prng(SEED ^ 0x1111);
    const keys = Array.from({ length: KEYS_PER_KIND }, () => randomSmallInt(random));
    await compare('int', keys.map(String), (i) => hashInt8Extended(keys[i]!));
  });

  it('hashint4extended and hashint2extended equal hashint8extended on the server', async () => {
    const random = prng(SEED ^ 0x2222);
    const keys = Array.from({ length: KEYS_PER_KIND }, () => random() | 0);
    const [row] = await sql<{ int4: string; int2: string }[]>`
      select
        count(*) filter (where hashint4extended(k, 0) <> hashint8extended(k, 0)
                            or hashint4extended(k, -7) <> hashint8extended(k, -7)) as int4,
        (select count(*) from generate_series(-32768, 32767) s
          where hashint2extended(s::int2, 0) <> hashint8extended(s, 0)) as int2
      from unnest(${sql.array(keys.map(String))}::int4[]) as k`;
    expect(row, `seed ${SEED}`).toEqual({ int4: '0', int2: '0' });
  });

  it(`hashTextExtended = hashtextextended for ${KEYS_PER_KIND} random unicode strings`, async () => {
    const random = prng(SEED ^ 0x3333);
    const keys = Array.from({ length: KEYS_PER_KIND }, () => randomText(random));
    // A few keys longer than the hasher's reusable scratch buffer.
    keys.push(`${'漢'.repeat(25_000)}😀`, 'é'.repeat(40_000));
    await compare('text', keys, (i) => hashTextExtended(keys[i]!));
  });

  it(`uuidHashExtended = uuid_hash_extended for ${KEYS_PER_KIND} random uuids`, async () => {
    const random = prng(SEED ^ 0x4444);
    const keys = Array.from({ length: KEYS_PER_KIND }, () => randomUuid(random));
    // The server gets the canonical lower-case text; the port half the time upper case.
    await compare('uuid', keys, (i) => uuidHashExtended(i % 2 === 0 ? keys[i]! : keys[i]!.toUpperCase()));
  });
});
