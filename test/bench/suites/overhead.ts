import { runSql, startCluster } from '@drizzle-shard/testing';
import { eq } from 'drizzle-orm';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { shardedDrizzle } from 'drizzle-shard';
import postgres from 'postgres';
import { DDL, orders, schema, users } from '../../../examples/orders-app/src/schema.ts';
import { measureInFlight, POOL } from '../harness/in-flight.ts';
import type { Target } from '../harness/targets.ts';
import { rowsFor } from '../sizes.ts';
import type { Suite } from './context.ts';

const ROUTED_OFF = 'drizzle-shard routed, caching off';
const BOUND_OFF = 'drizzle-shard db.shard(key), caching off';
const ROUTED_ON = 'drizzle-shard routed, caching on';
const BOUND_ON = 'drizzle-shard db.shard(key), caching on';
const RAW = 'raw postgres.js, prepared (reference)';

const READ_TARGETS: Target[] = [
  { goal: 'point read, caching off ≤ 1.05× plain drizzle', variant: ROUTED_OFF, metric: 'time', max: 1.05 },
  { goal: 'point read, caching off ≤ 1.05× plain drizzle', variant: BOUND_OFF, metric: 'time', max: 1.05 },
  { goal: 'issue 14: cached point read ≤ 0.5× plain drizzle', variant: ROUTED_ON, metric: 'time', max: 0.5 },
  { goal: 'issue 14: cached point read ≤ 0.5× plain drizzle', variant: BOUND_ON, metric: 'time', max: 0.5 },
  {
    goal: 'issue 19: routed cached point read ≤ 1.10× raw prepared postgres.js',
    variant: ROUTED_ON,
    metric: 'time',
    max: 1.1,
    against: RAW,
  },
];

const INSERT_TARGETS: Target[] = [
  { goal: 'insert, caching off ≤ 1.05× plain drizzle', variant: ROUTED_OFF, metric: 'time', max: 1.05 },
  {
    goal: 'issue 19: insert ≤ 1.15× raw prepared postgres.js',
    variant: ROUTED_ON,
    metric: 'time',
    max: 1.15,
    against: RAW,
  },
];

/**
 * The wrapper's cost on one shard: point reads and inserts through drizzle-shard (routed from
 * the top-level db, and bound with db.shard(key)), with and without statement caching, against
 * plain drizzle + postgres.js on the same server, plus raw prepared postgres.js for reference.
 */
export const overheadSuite: Suite = async ({ size, rounds, log }) => {
  const cluster = await startCluster({ shards: 2, settings: { shared_buffers: '64MB' } });
  const url = cluster.shards[0]!.primary.url;
  const clients: postgres.Sql[] = [];
  const client = () => {
    const c = postgres(url, POOL);
    clients.push(c);
    return c;
  };
  const sharded = (cacheStatements: boolean) =>
    shardedDrizzle({
      schema,
      shards: cluster.shards.map((s) => ({ primary: { url: s.primary.url, cacheStatements } })),
      pool: POOL,
    });
  const cached = sharded(true);
  const uncached = sharded(false);
  try {
    for (const s of cluster.shards) await runSql(s.primary.url, DDL);
    // Users of shard 0 only: the plain clients point at shard 0's server.
    const keys: number[] = [];
    for (let id = 1; keys.length < rowsFor(size).users; id++)
      if (cached.shardMap.shardOf(id, 'int') === 0) keys.push(id);
    log(`overhead: loading ${keys.length} users on shard 0`);
    for (let i = 0; i < keys.length; i += 1000) {
      await cached
        .insert(users)
        .values(
          keys.slice(i, i + 1000).map((id) => ({ id, email: `u${id}@example.com`, name: `User ${id}` })),
        );
    }
    const plainA = drizzle(client(), { schema });
    const plainB = drizzle(client(), { schema });
    const raw = client();
    const key = (i: number) => keys[(i * 7919) % keys.length]!;
    const read = (db: PostgresJsDatabase<typeof schema>) => (i: number) =>
      db
        .select()
        .from(users)
        .where(eq(users.id, key(i)));

    log('overhead: point reads');
    const reads = await measureInFlight(
      {
        name: 'point-read',
        title: 'Point read by shard key on one shard',
        baseline: 'plain drizzle + postgres.js on the same server',
        targets: READ_TARGETS,
        notes: [
          'Caching on = postgres.js prepares each statement once per connection (direct connections only); drizzle sends every query unprepared.',
        ],
      },
      [
        { name: 'plain drizzle', op: read(plainA) },
        { name: 'plain drizzle (A/A control)', op: read(plainB) },
        { name: ROUTED_OFF, op: read(uncached) },
        { name: BOUND_OFF, op: (i) => read(uncached.shard(key(i)))(i) },
        { name: ROUTED_ON, op: read(cached) },
        { name: BOUND_ON, op: (i) => read(cached.shard(key(i)))(i) },
        { name: RAW, op: (i) => raw`select id, email, name, password_hash from users where id = ${key(i)}` },
      ],
      rounds,
      log,
    );

    log('overhead: inserts');
    let nextOrder = 0;
    const order = (i: number) => ({ id: ++nextOrder, userId: key(i), status: 'new', total: '10.00' });
    const insert = (db: PostgresJsDatabase<typeof schema>) => (i: number) =>
      db.insert(orders).values(order(i));
    // The statement drizzle sends, prepared: created_at takes its default as in drizzle's insert.
    const rawInsert = (i: number) => {
      const o = order(i);
      return raw`insert into orders (id, user_id, status, total, created_at) values (${o.id}, ${o.userId}, ${o.status}, ${o.total}, default)`;
    };
    const inserts = await measureInFlight(
      {
        name: 'insert',
        title: 'Single-row insert routed by shard key',
        baseline: 'plain drizzle + postgres.js on the same server',
        targets: INSERT_TARGETS,
      },
      [
        { name: 'plain drizzle', op: insert(plainA) },
        { name: 'plain drizzle (A/A control)', op: insert(plainB) },
        { name: ROUTED_OFF, op: insert(uncached) },
        { name: ROUTED_ON, op: insert(cached) },
        { name: BOUND_ON, op: (i) => insert(cached.shard(key(i)))(i) },
        { name: RAW, op: rawInsert },
      ],
      rounds,
      log,
    );
    const [{ n } = { n: 0 }] = await raw<{ n: number }[]>`select count(*)::int as n from orders`;
    if (n !== nextOrder) throw new Error(`insert bench lost rows: ${n} of ${nextOrder}`);
    return [...reads, ...inserts];
  } finally {
    await Promise.all([...clients.map((c) => c.end()), cached.close(), uncached.close()]);
    await cluster.destroy();
  }
};
