import type { AddressInfo } from 'node:net';
import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { type ShardedDatabase, shardedDrizzle } from 'drizzle-shard';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONSISTENCY_HEADER, createApi } from '../src/api/server.ts';
import { DDL, schema, users } from '../src/schema.ts';

const KEYS = [{ id: 'k1', secret: 'api-test-secret-0123456789abcdef' }];
let cluster: Cluster;
const dbs: ShardedDatabase<typeof schema>[] = [];
const servers: ReturnType<typeof createApi>[] = [];

/** One API instance: its own db and HTTP server, like one of the seed's 25 instances. */
async function instance(): Promise<string> {
  const db = shardedDrizzle({
    schema,
    shards: cluster.shards.map((s) => ({ primary: s.primary.url, replicas: s.replicas.map((r) => r.url) })),
    tokens: { keys: KEYS },
    replication: { monitorIntervalMs: 100 },
    pool: { max: 3, onnotice: () => {} },
  });
  await db.ready();
  const server = createApi(db);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  dbs.push(db);
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  cluster = await startCluster({ shards: 2, replicas: 1 });
  for (const s of cluster.shards) await runSql(s.primary.url, DDL);
});
afterAll(async () => {
  for (const s of servers) s.close();
  await Promise.all(dbs.map((db) => db.close()));
  await cluster?.destroy();
});

it('a password change on one instance is read back on another through the consistency header', async () => {
  const [a, b] = [await instance(), await instance()];
  await dbs[0]!.insert(users).values({ id: 5, email: 'u5@x', name: 'U5' });
  await new Promise((resolve) => setTimeout(resolve, 500)); // the row reaches the replicas
  for (const s of cluster.shards) for (const r of s.replicas) await cluster.setReplayDelay(r, 2000);
  for (let i = 0; i < 20; i++) {
    const changed = await fetch(`${a}/users/5/password`, {
      method: 'POST',
      body: JSON.stringify({ passwordHash: `h${i}` }),
    });
    expect(changed.status).toBe(200);
    const token = changed.headers.get(CONSISTENCY_HEADER)!;
    expect(token).toMatch(/^[\w-]+\.k1\.[\w-]{43}$/);
    const read = await fetch(`${b}/users/5`, { headers: { [CONSISTENCY_HEADER]: token } });
    const withToken = (await read.json()) as { passwordHash: string };
    expect(withToken.passwordHash).toBe(`h${i}`);
  }
  // Without the header the other instance reads a lagging replica: the old hash.
  const without = (await (await fetch(`${b}/users/5`)).json()) as { passwordHash: string };
  expect(without.passwordHash).not.toBe('h19');
  // The orders route uses the generated, key-bound helper.
  expect(await (await fetch(`${b}/users/5/orders`)).json()).toEqual([]);
  expect((await fetch(`${b}/nope`)).status).toBe(404);
  // Each change also wrote an analytics event and a log line, in the same shard transaction.
  const counts = await Promise.all(
    cluster.shards.map(async (s) => {
      const [r] = await runSql<{ events: number; logs: number }[]>(
        s.primary.url,
        "select (select count(*)::int from events where user_id = 5 and kind = 'password_changed') as events, (select count(*)::int from logs where user_id = 5) as logs",
      );
      return r!;
    }),
  );
  expect(counts.filter((c) => c.events > 0)).toEqual([{ events: 20, logs: 20 }]);
  expect((await fetch(`${a}/users/5/password`, { method: 'POST', body: '{}' })).status).toBe(400);
});
