import { runSql } from '@drizzle-shard/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDrizzleShardError } from '../../src/index.ts';
import { type Fleet, startFleet } from '../support/fleet.ts';
import { settings, users } from '../support/schema.ts';

/**
 * One rule for unsharded ("home") tables: they live on the home shard (0). The top-level db
 * routes them there; a db bound to another shard refuses them (HOME_TABLE_NEEDS_HOME_SHARD)
 * instead of writing a copy the top-level db would never read.
 */
describe('unsharded tables live on the home shard only', () => {
  let fleet: Fleet;
  const keyOn = (shard: number) =>
    Array.from({ length: 100 }, (_, i) => i + 1).find((k) => fleet.db.shardMap.shardOf(k, 'int') === shard)!;
  const refused = (e: unknown) => isDrizzleShardError(e, 'HOME_TABLE_NEEDS_HOME_SHARD');

  beforeAll(async () => {
    fleet = await startFleet(2);
  }, 120_000);
  afterAll(() => fleet?.stop());

  it('db.shard(k) for k on shard 1 refuses them, in reads, writes and transactions', async () => {
    const bound = fleet.db.shard(keyOn(1));
    await expect(bound.insert(settings).values({ key: 'theme', value: 'dark' })).rejects.toSatisfy(refused);
    await expect(bound.select().from(settings)).rejects.toSatisfy(refused);
    await expect(bound.update(settings).set({ value: 'x' })).rejects.toSatisfy(refused);
    await expect(bound.delete(settings).where(eq(settings.key, 'theme'))).rejects.toSatisfy(refused);
    await expect(bound.query.settings.findMany()).rejects.toSatisfy(refused);
    await expect(
      bound.transaction(async (tx) => tx.insert(settings).values({ key: 'theme', value: 'dark' })),
    ).rejects.toSatisfy(refused);
    // Nothing reached shard 1; its sharded tables still work through the same db.
    const [row] = await runSql<{ n: number }[]>(
      fleet.cluster.shards[1]!.primary.url,
      'select count(*)::int as n from settings',
    );
    expect(row?.n).toBe(0);
    const k = keyOn(1);
    await bound.insert(users).values({ id: k, email: 'k@x', name: 'K' });
    expect(await bound.select({ id: users.id }).from(users).where(eq(users.id, k))).toEqual([{ id: k }]);
  });

  it('the top-level db and db.shard(k) for k on shard 0 use the same rows', async () => {
    await fleet.db.insert(settings).values({ key: 'lang', value: 'fr' });
    const home = fleet.db.shard(keyOn(0));
    expect(await home.select().from(settings).where(eq(settings.key, 'lang'))).toEqual([
      { key: 'lang', value: 'fr' },
    ]);
    await home.update(settings).set({ value: 'sv' }).where(eq(settings.key, 'lang'));
    expect(await fleet.db.select().from(settings).where(eq(settings.key, 'lang'))).toEqual([
      { key: 'lang', value: 'sv' },
    ]);
  });
});
