import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { and, eq, sql } from 'drizzle-orm';
import { integer, pgEnum, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShardMap, sharded, shardedDrizzle } from '../../src/index.ts';

/**
 * DDL between two executions of the same statement must not change what the statement does:
 * the second execution answers as plain drizzle (a fresh, unprepared statement) would. A
 * statement cached on a connection keeps the parameter types inferred when it was prepared,
 * so without protection a `timestamp` → `timestamptz` change silently drops offsets and an
 * enum dropped and created again fails with XX000 `cache lookup failed for type`.
 * Pools have one connection, so the second execution reuses the first one's connection.
 */

const PSQL = '/usr/lib/postgresql/15/bin/psql';
const run = promisify(execFile);
const map = ShardMap.hash({ shards: 2 });
/** A key on shard 1: the shard that is not the home shard. */
const K = Array.from({ length: 100 }, (_, i) => i + 1).find((k) => map.shardOf(k, 'int') === 1)!;

let cluster: Cluster;
let cases = 0;

beforeAll(async () => {
  cluster = await startCluster({ shards: 2 });
}, 120_000);
afterAll(async () => {
  await cluster?.destroy();
});

type Source = 'this db' | 'another process' | 'one shard, this db' | 'one shard, another process';
type Target = 'db.shard(k)' | 'top-level db';

/** Runs DDL on the shards the source names: through a db of this process, or through psql. */
async function applyDdl(db: ReturnType<typeof open>, source: Source, ddl: string): Promise<void> {
  const shards = source.startsWith('one shard') ? [1] : [0, 1];
  for (const s of shards) {
    if (source.endsWith('this db')) await db.shardAt(s).execute(sql.raw(ddl));
    else await run(PSQL, [cluster.shards[s]!.primary.url, '-q', '-v', 'ON_ERROR_STOP=1', '-c', ddl]);
  }
}

function open(schema: Record<string, unknown>, cacheStatements: boolean | undefined) {
  return shardedDrizzle({
    schema,
    shards: cluster.shards.map((s) => ({ primary: { url: s.primary.url, cacheStatements } })),
    pool: { max: 1, onnotice: () => {}, connection: { TimeZone: 'UTC' } },
  });
}

async function onEveryShard(ddl: string): Promise<void> {
  for (const s of cluster.shards) await runSql(s.primary.url, ddl);
}

/** Creates the case's objects and a db; returns the steps. */
type Scenario = (
  n: number,
  cacheStatements: boolean | undefined,
) => Promise<{
  db: ReturnType<typeof open>;
  before(on: PostgresJsDatabase<never>): Promise<void>;
  ddl: string;
  /** What the same statement gives after the DDL (compared to what plain drizzle gives). */
  after(on: PostgresJsDatabase<never>): Promise<unknown>;
  expected: unknown;
}>;

const scenarios: Record<string, Scenario> = {
  'timestamp → timestamptz keeps the offset, in writes and in filters': async (n, cache) => {
    const t = sharded(
      pgTable(
        `stamps${n}`,
        {
          userId: integer('user_id').notNull(),
          id: integer('id').notNull(),
          ts: timestamp('ts', { mode: 'string' }).notNull(),
        },
        (c) => [primaryKey({ columns: [c.userId, c.id] })],
      ),
      { key: (c) => c.userId },
    );
    await onEveryShard(
      `create table stamps${n} (user_id int, id int, ts timestamp not null, primary key (user_id, id))`,
    );
    const db = open({ t }, cache);
    const write = (on: PostgresJsDatabase<never>, id: number) =>
      on.insert(t).values({ userId: K, id, ts: '2022-01-01 00:00:00-02' });
    const find = (on: PostgresJsDatabase<never>) =>
      on
        .select({ id: t.id })
        .from(t)
        .where(and(eq(t.userId, K), eq(t.ts, '2022-01-01 00:00:00-02')))
        .orderBy(t.id);
    return {
      db,
      async before(on) {
        for (const id of [1, 2]) await write(on, id);
        expect(await find(on)).toEqual([{ id: 1 }, { id: 2 }]);
      },
      ddl: `alter table stamps${n} alter column ts type timestamptz`,
      async after(on) {
        await write(on, 3);
        const [row] = await db
          .shard(K as never)
          .execute<{ ts: string }>(sql.raw(`select ts::text as ts from stamps${n} where id = 3`));
        return { stored: row?.ts, found: await find(on) };
      },
      expected: { stored: '2022-01-01 02:00:00+00', found: [{ id: 3 }] },
    };
  },
  'an enum dropped and created again': async (n, cache) => {
    const mood = pgEnum(`mood${n}`, ['sad', 'happy']);
    const t = sharded(
      pgTable(
        `moods${n}`,
        { userId: integer('user_id').notNull(), id: integer('id').notNull(), mood: mood('mood') },
        (c) => [primaryKey({ columns: [c.userId, c.id] })],
      ),
      { key: (c) => c.userId },
    );
    const create = `create type mood${n} as enum ('sad', 'happy'); create table moods${n} (user_id int, id int, mood mood${n}, primary key (user_id, id));`;
    await onEveryShard(create);
    const db = open({ t }, cache);
    const write = (on: PostgresJsDatabase<never>, id: number) =>
      on.insert(t).values({ userId: K, id, mood: 'happy' });
    const read = (on: PostgresJsDatabase<never>) =>
      on
        .select({ id: t.id })
        .from(t)
        .where(and(eq(t.userId, K), eq(t.mood, 'happy')));
    return {
      db,
      async before(on) {
        for (const id of [1, 2]) await write(on, id);
        expect(await read(on)).toHaveLength(2);
      },
      ddl: `drop table moods${n}; drop type mood${n}; ${create}`,
      async after(on) {
        await write(on, 3);
        return read(on);
      },
      expected: [{ id: 3 }],
    };
  },
  'a column dropped and added again with another type': async (n, cache) => {
    const t = sharded(
      pgTable(
        `codes${n}`,
        { userId: integer('user_id').notNull(), id: integer('id').notNull(), code: text('code') },
        (c) => [primaryKey({ columns: [c.userId, c.id] })],
      ),
      { key: (c) => c.userId },
    );
    await onEveryShard(`create table codes${n} (user_id int, id int, code int, primary key (user_id, id))`);
    const db = open({ t }, cache);
    const write = (on: PostgresJsDatabase<never>, id: number) =>
      on.insert(t).values({ userId: K, id, code: '0042' });
    return {
      db,
      async before(on) {
        for (const id of [1, 2]) await write(on, id);
      },
      ddl: `alter table codes${n} drop column code; alter table codes${n} add column code text`,
      async after(on) {
        await write(on, 3);
        return on
          .select({ code: t.code })
          .from(t)
          .where(and(eq(t.userId, K), eq(t.id, 3)));
      },
      expected: [{ code: '0042' }],
    };
  },
};

const targets: Target[] = ['db.shard(k)', 'top-level db'];
const everySource: Source[] = [
  'this db',
  'another process',
  'one shard, this db',
  'one shard, another process',
];

/**
 * With statement caching on, DDL from another process is not seen by the driver: a change that
 * silently reinterprets a cached parameter is only safe with caching off (the default). Errors
 * from such DDL (a type gone) are retried unprepared in both modes.
 */
const modes: Array<{ name: string; cache: boolean | undefined; sources: (scenario: string) => Source[] }> = [
  { name: 'default configuration (statement caching off)', cache: undefined, sources: () => everySource },
  {
    name: 'statement caching on',
    cache: true,
    sources: (scenario) => (scenario.startsWith('an enum') ? everySource : ['this db', 'one shard, this db']),
  },
];

for (const mode of modes) {
  describe(mode.name, () => {
    for (const [name, scenario] of Object.entries(scenarios)) {
      for (const source of mode.sources(name)) {
        for (const target of targets) {
          it(`${name}: DDL through ${source}, statements through ${target}`, async () => {
            const steps = await scenario(++cases, mode.cache);
            try {
              const on = (
                target === 'db.shard(k)' ? steps.db.shard(K as never) : steps.db
              ) as PostgresJsDatabase<never>;
              await steps.before(on);
              await applyDdl(steps.db, source, steps.ddl);
              expect(await steps.after(on)).toEqual(steps.expected);
            } finally {
              await steps.db.close();
            }
          }, 30_000);
        }
      }
    }
  });
}
