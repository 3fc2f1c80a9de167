import { startCluster } from '@drizzle-shard/testing';
import { eq } from 'drizzle-orm';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { shardedDrizzle } from 'drizzle-shard';
import postgres from 'postgres';
import { DDL, orders, schema, users } from '../../../examples/orders-app/src/schema.ts';
import { interleave } from '../harness/interleave.ts';
import { rowsFor } from '../sizes.ts';
import type { Suite } from './context.ts';

const POOL = { max: 4, onnotice: () => {} } as const;

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
    for (const s of cluster.shards) await postgres(s.primary.url, POOL).begin((t) => t.unsafe(DDL));
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
    const reads = await interleave(
      [
        { name: 'plain drizzle', op: read(plainA) },
        { name: 'plain drizzle (A/A control)', op: read(plainB) },
        { name: 'drizzle-shard routed, caching off', op: read(uncached) },
        { name: 'drizzle-shard db.shard(key), caching off', op: (i) => read(uncached.shard(key(i)))(i) },
        { name: 'drizzle-shard routed, caching on', op: read(cached) },
        { name: 'drizzle-shard db.shard(key), caching on', op: (i) => read(cached.shard(key(i)))(i) },
        {
          name: 'raw postgres.js, prepared (reference)',
          op: (i) => raw`select id, email, name, password_hash from users where id = ${key(i)}`,
        },
      ],
      rounds,
    );

    log('overhead: inserts');
    let nextOrder = 0;
    const order = (i: number) => ({ id: ++nextOrder, userId: key(i), status: 'new', total: '10.00' });
    const insert = (db: PostgresJsDatabase<typeof schema>) => (i: number) =>
      db.insert(orders).values(order(i));
    const inserts = await interleave(
      [
        { name: 'plain drizzle', op: insert(plainA) },
        { name: 'plain drizzle (A/A control)', op: insert(plainB) },
        { name: 'drizzle-shard routed, caching off', op: insert(uncached) },
        { name: 'drizzle-shard routed, caching on', op: insert(cached) },
        { name: 'drizzle-shard db.shard(key), caching on', op: (i) => insert(cached.shard(key(i)))(i) },
      ],
      rounds,
    );
    const [{ n } = { n: 0 }] = await raw<{ n: number }[]>`select count(*)::int as n from orders`;
    if (n !== nextOrder) throw new Error(`insert bench lost rows: ${n} of ${nextOrder}`);

    return [
      {
        name: 'point-read',
        title: 'Point read by shard key (one shard, one connection at a time)',
        baseline: 'plain drizzle + postgres.js on the same server',
        variants: reads,
        targets: [
          { variant: 'drizzle-shard routed, caching off', maxTimeRatio: 1.05 },
          { variant: 'drizzle-shard db.shard(key), caching off', maxTimeRatio: 1.05 },
          { variant: 'drizzle-shard routed, caching on', maxTimeRatio: 0.6 },
          { variant: 'drizzle-shard db.shard(key), caching on', maxTimeRatio: 0.6 },
        ],
        notes: [
          'Caching on = postgres.js prepares each statement once per connection (direct connections only); drizzle sends every query unprepared.',
        ],
      },
      {
        name: 'insert',
        title: 'Single-row insert routed by shard key',
        baseline: 'plain drizzle + postgres.js on the same server',
        variants: inserts,
        targets: [{ variant: 'drizzle-shard routed, caching off', maxTimeRatio: 1.05 }],
      },
    ];
  } finally {
    await Promise.all([...clients.map((c) => c.end()), cached.close(), uncached.close()]);
    await cluster.destroy();
  }
};
