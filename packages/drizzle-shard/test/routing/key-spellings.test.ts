import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { eq, getTableName } from 'drizzle-orm';
import {
  bigint,
  char,
  customType,
  integer,
  numeric,
  type PgColumn,
  type PgTable,
  pgTable,
  smallint,
  text,
  timestamp,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDrizzleShardError, type ShardedDatabase, sharded, shardedDrizzle } from '../../src/index.ts';
import { shardedMetaOf } from '../../src/schema/annotations.ts';

// Keys of every supported column type, sent in every spelling PostgreSQL stores as one value,
// must land on one shard (the one whose SQL ownership check, i.e. the server's own hash of the
// stored value, claims the row) and be found by a routed select in any spelling exactly as a
// single database finds them.

/** Shards a test table by its column `k`. */
function keyed<T extends PgTable & { k: PgColumn }>(table: T) {
  return sharded(table, { key: (t) => t.k });
}

const schema = {
  kChar: keyed(pgTable('k_char', { k: char('k', { length: 5 }).primaryKey(), n: integer('n') })),
  kVarchar: keyed(pgTable('k_varchar', { k: varchar('k', { length: 5 }).primaryKey(), n: integer('n') })),
  kText: keyed(pgTable('k_text', { k: text('k').primaryKey(), n: integer('n') })),
  kInt: keyed(pgTable('k_int', { k: integer('k').primaryKey(), n: integer('n') })),
  kSmall: keyed(pgTable('k_small', { k: smallint('k').primaryKey(), n: integer('n') })),
  kBig: keyed(pgTable('k_big', { k: bigint('k', { mode: 'bigint' }).primaryKey(), n: integer('n') })),
  kUuid: keyed(pgTable('k_uuid', { k: uuid('k').primaryKey(), n: integer('n') })),
};

const DDL = `
create table k_char (k char(5) primary key, n int);
create table k_varchar (k varchar(5) primary key, n int);
create table k_text (k text primary key, n int);
create table k_int (k integer primary key, n int);
create table k_small (k smallint primary key, n int);
create table k_big (k bigint primary key, n int);
create table k_uuid (k uuid primary key, n int);
`;

const U = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
const V = '6ECD8C99-4036-403D-BF84-CF8400F67836';

/** Per table: groups of spellings of one stored value (PostgreSQL accepts each of them). */
const SPELLINGS: Record<keyof typeof schema, unknown[][]> = {
  kChar: [
    ['ab', 'ab ', 'ab   ', 'ab      '],
    ['x', 'x    '],
    ['abcde', 'abcde  '],
    [' q', ' q  '],
  ],
  kVarchar: [['abcde', 'abcde ', 'abcde    '], ['ab', 'ab'], ['ab '], ['héllo', 'héllo  ']],
  kText: [['ab'], ['ab '], [' ab']],
  kInt: [
    [42, '42', ' 42', '+42', '42\n', '\t42 ', '042'],
    [-7, '-7', ' -7 '],
    [0, '-0', '+0'],
  ],
  kSmall: [[300, '300', ' +300 ']],
  kBig: [
    [9007199254740993n, '9007199254740993', ' 9007199254740993\r\n'],
    [5n, '5', '+5'],
  ],
  kUuid: [
    [U, U.toUpperCase(), U.replaceAll('-', ''), `{${U}}`, 'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11'],
    [V, V.toLowerCase(), `{${V.replaceAll('-', '')}}`],
  ],
};

/** Spellings JavaScript would accept (`trim()`, lenient parsing) but PostgreSQL rejects. */
const REJECTED: Partial<Record<keyof typeof schema, unknown[]>> = {
  kInt: ['\u00a042', '42\u2028', '\ufeff42', '4 2', '0x2a', '42.0', ''],
  kUuid: [` ${U}`, `{${U}`, `${U}}`, `${U.slice(0, 8)}--${U.slice(9)}`, `-${U}`],
};

describe('shard keys are hashed as their column stores them', () => {
  let cluster: Cluster;
  let db: ShardedDatabase<typeof schema>;
  let single: ReturnType<typeof drizzle<typeof schema>>;
  let singleClient: postgres.Sql;
  const SHARDS = 4;

  beforeAll(async () => {
    cluster = await startCluster({ shards: SHARDS + 1 });
    for (const s of cluster.shards) await runSql(s.primary.url, DDL);
    db = shardedDrizzle({
      schema,
      shards: cluster.shards.slice(0, SHARDS).map((s) => ({ primary: s.primary.url })),
      pool: { max: 2, onnotice: () => {} },
    });
    singleClient = postgres(cluster.shards[SHARDS]!.primary.url, { max: 1, onnotice: () => {} });
    single = drizzle(singleClient, { schema });
  });
  afterAll(async () => {
    await db?.close();
    await singleClient?.end();
    await cluster?.destroy();
  });

  for (const name of Object.keys(SPELLINGS) as Array<keyof typeof schema>) {
    it(`${name}: every spelling lands on the owning shard once, and any spelling finds it`, async () => {
      const table = schema[name];
      const meta = shardedMetaOf(table)!;
      const groups = SPELLINGS[name];
      for (const [g, group] of groups.entries()) {
        for (const spelling of group) {
          const row = { k: spelling, n: g } as never;
          await db.insert(table).values(row).onConflictDoNothing();
          await single.insert(table).values(row).onConflictDoNothing();
        }
      }
      const tableName = getTableName(table);
      const urls = cluster.shards.slice(0, SHARDS).map((s) => s.primary.url);
      const perShard = await Promise.all(
        urls.map((u) => runSql<{ k: string }[]>(u, `select k::text as k from ${tableName}`)),
      );
      const stored = perShard.flat().map((r) => r.k);
      const control = await runSql<{ k: string }[]>(
        cluster.shards[SHARDS]!.primary.url,
        `select k::text as k from ${tableName}`,
      );
      // One row per stored value across the fleet, as on one database.
      expect(stored.sort()).toEqual(control.map((r) => r.k).sort());
      expect(stored).toHaveLength(groups.length);
      // Each row sits on the shard the server's own hash of the stored value assigns it.
      for (const [shard, url] of urls.entries()) {
        const [misplaced] = await runSql<{ n: number }[]>(
          url,
          `select count(*)::int as n from ${tableName} where not ${db.shardMap.ownsSql('k', meta.keyKind, shard)}`,
        );
        expect(misplaced!.n, `rows on shard ${shard} it does not own`).toBe(0);
      }
      // A routed select in every spelling answers what the single database answers.
      for (const group of groups) {
        for (const spelling of group) {
          const routed = await db
            .select({ n: table.n })
            .from(table)
            .where(eq(table.k as never, spelling as never));
          const expected = await single
            .select({ n: table.n })
            .from(table)
            .where(eq(table.k as never, spelling as never));
          expect(routed, `select by ${JSON.stringify(String(spelling))}`).toEqual(expected);
        }
      }
      for (const spelling of REJECTED[name] ?? []) {
        const error = await (async () =>
          await db.insert(table).values({ k: spelling, n: -1 } as never))().catch((e: unknown) => e);
        expect(isDrizzleShardError(error, 'SHARD_KEY_INVALID'), String(error)).toBe(true);
        const server = await single
          .insert(table)
          .values({ k: spelling, n: -1 } as never)
          .catch((e: unknown) => e);
        expect(server, 'PostgreSQL rejects it too').toBeInstanceOf(Error);
      }
    });
  }

  it('key types whose stored form the router cannot compute are refused at schema definition', () => {
    const citext = customType<{ data: string }>({ dataType: () => 'citext' });
    const refused = [
      pgTable('k_numeric', { k: numeric('k', { precision: 10, scale: 2 }).primaryKey() }),
      pgTable('k_ts', { k: timestamp('k', { precision: 3 }).primaryKey() }),
      pgTable('k_citext', { k: citext('k').primaryKey() }),
    ];
    for (const table of refused) {
      let error: unknown;
      try {
        keyed(table);
      } catch (e) {
        error = e;
      }
      expect(isDrizzleShardError(error, 'SCHEMA_RULE_VIOLATION'), getTableName(table)).toBe(true);
    }
  });
});
