import { startCluster } from '@drizzle-shard/testing';
import { eq } from 'drizzle-orm';
import { withReplicas } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/postgres-js';
import { replicatedDrizzle } from 'drizzle-shard';
import postgres from 'postgres';
import { DDL, schema, users } from '../../../examples/orders-app/src/schema.ts';
import { measureInFlight, POOL } from '../harness/in-flight.ts';
import type { Target } from '../harness/targets.ts';
import { rowsFor } from '../sizes.ts';
import type { Suite } from './context.ts';

const SESSION_ON = 'drizzle-shard session read, caching on';
const TARGETS: Target[] = [
  { goal: 'issue 4: session read ≤ 1.0× withReplicas', variant: SESSION_ON, metric: 'time', max: 1.0 },
  { goal: 'issue 4: session read ≤ 1.05× withReplicas', variant: SESSION_ON, metric: 'cpu', max: 1.05 },
];
const KEYS = ['k1'].map((id) => ({ id, secret: 'bench-secret-0123456789abcdef' }));

/**
 * A read through a read-your-writes session on a replica, against drizzle's own
 * `withReplicas` reading the same replica: what lag tracking, health and sessions cost.
 */
export const replicasSuite: Suite = async ({ size, rounds, log }) => {
  const cluster = await startCluster({ shards: 1, replicas: 1, settings: { shared_buffers: '64MB' } });
  const primaryUrl = cluster.shards[0]!.primary.url;
  const replicaUrl = cluster.shards[0]!.replicas[0]!.url;
  const clients: postgres.Sql[] = [];
  const client = (url: string) => {
    const c = postgres(url, POOL);
    clients.push(c);
    return c;
  };
  const ours = (cacheStatements: boolean) =>
    replicatedDrizzle({
      schema,
      primary: { url: primaryUrl, cacheStatements },
      replicas: [{ url: replicaUrl, cacheStatements }],
      tokens: { keys: KEYS },
      pool: POOL,
    });
  const cached = ours(true);
  const uncached = ours(false);
  try {
    const setup = client(primaryUrl);
    await setup.unsafe(DDL);
    const n = rowsFor(size).users;
    log(`replicas: loading ${n} users`);
    await setup`insert into users (id, email, name) select g, 'u' || g || '@example.com', 'User ' || g from generate_series(1, ${n}) g`;
    const replica = client(replicaUrl);
    while ((await replica`select count(*)::int as n from users`.catch(() => [{ n: 0 }]))[0]!.n < n) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.all([cached.ready(), uncached.ready()]);
    const drizzleReplicas = () =>
      withReplicas(drizzle(client(primaryUrl), { schema }), [drizzle(client(replicaUrl), { schema })]);
    const [plainA, plainB] = [drizzleReplicas(), drizzleReplicas()];
    const key = (i: number) => ((i * 7919) % n) + 1;
    const read = (db: { select: typeof plainA.select }) => (i: number) =>
      db
        .select()
        .from(users)
        .where(eq(users.id, key(i)));
    const inSession = (db: typeof cached) => (i: number) =>
      db.startSession({ key: key(i) }).run(() => read(db)(i));

    log('replicas: reads on the replica');
    const tables = await measureInFlight(
      {
        name: 'replica-read',
        title: 'Read by key on a replica: session vs drizzle withReplicas',
        baseline: "drizzle's withReplicas reading the same replica",
        targets: TARGETS,
      },
      [
        { name: 'drizzle withReplicas', op: read(plainA) },
        { name: 'drizzle withReplicas (A/A control)', op: read(plainB) },
        { name: SESSION_ON, op: inSession(cached) },
        { name: 'drizzle-shard session read, caching off', op: inSession(uncached) },
        { name: 'drizzle-shard read without session, caching on', op: read(cached) },
      ],
      rounds,
      log,
    );
    const served = cached.replicaStatus()[0]!;
    const note = `Reads served by the replica in the caching-on db over both tables: ${served.replicas[0]!.reads}, by the primary: ${served.primaryReads} (0 expected: no writes, replica healthy).`;
    return tables.map((t) => ({ ...t, notes: [note] }));
  } finally {
    await Promise.all([...clients.map((c) => c.end()), cached.close(), uncached.close()]);
    await cluster.destroy();
  }
};
