import { type Cluster, startCluster } from '@drizzle-shard/testing';
import postgres, { type Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverIdentityCheck } from '../../src/driver/server-identity.ts';

/** A real client that counts the statements sent through `unsafe` (the identity question). */
function counted(client: Sql): { client: Sql; asks: () => number } {
  let asks = 0;
  const proxy = new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'unsafe') return Reflect.get(target, property, receiver);
      return (...args: Parameters<Sql['unsafe']>) => {
        asks++;
        return target.unsafe(...args);
      };
    },
  });
  return { client: proxy, asks: () => asks };
}

describe('the server identity check does not hold statements on a shard that does not answer', () => {
  let cluster: Cluster;
  const clients: Sql[] = [];
  beforeAll(async () => {
    cluster = await startCluster({ shards: 2 });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end({ timeout: 1 })));
    await cluster?.destroy();
  });

  it('asks a stopped shard once per retry interval, not once per statement, and never again once it answered', async () => {
    const shard0 = postgres(cluster.shards[0]!.primary.url, { onnotice: () => {} });
    const raw1 = postgres(cluster.shards[1]!.primary.url, { onnotice: () => {}, connect_timeout: 2 });
    clients.push(shard0, raw1);
    const shard1 = counted(raw1);
    await cluster.stop(cluster.shards[1]!.primary);

    const check = serverIdentityCheck([shard0, shard1.client], 3000, 60_000);
    await check.verified();
    expect(shard1.asks()).toBe(1);
    // Statements after the first: within the retry interval the down shard is not asked again.
    for (let i = 0; i < 20; i++) await check.verified();
    expect(shard1.asks()).toBe(1);

    await cluster.start(cluster.shards[1]!.primary);
    await check.settled();
    expect(shard1.asks()).toBe(2);
    for (let i = 0; i < 20; i++) await check.verified();
    await check.settled();
    expect(shard1.asks()).toBe(2);
  });

  it('finds a duplicate in a background retry and then refuses statements with CONFIG_INVALID', async () => {
    const node = cluster.shards[0]!.primary;
    const first = postgres(node.url, { onnotice: () => {}, connect_timeout: 2 });
    const alias = postgres(node.url.replace('127.0.0.1', 'localhost'), {
      onnotice: () => {},
      connect_timeout: 2,
    });
    clients.push(first, alias);
    const second = counted(alias);
    // Down at the first statement: neither name answers, statements go on.
    await cluster.stop(node);
    const check = serverIdentityCheck([first, second.client], 3000, 0);
    await check.verified();
    await cluster.start(node);
    const refused = await (async () => {
      for (let i = 0; i < 200; i++) {
        const error = await check.verified().then(
          () => undefined,
          (e: unknown) => e,
        );
        if (error) return error;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return undefined;
    })();
    expect((refused as { code?: string } | undefined)?.code).toBe('CONFIG_INVALID');
    expect(second.asks()).toBeGreaterThan(1);
  });
});
