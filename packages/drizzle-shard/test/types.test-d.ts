import { eq } from 'drizzle-orm';
import { bigint, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { describe, expectTypeOf, it } from 'vitest';
import { type ShardKeyOf, sharded, shardedDrizzle } from '../src/index.ts';

const accounts = sharded(
  pgTable('accounts', { id: bigint('id', { mode: 'bigint' }).primaryKey(), name: text('name').notNull() }),
  {
    key: (t) => t.id,
  },
);
const devices = sharded(pgTable('devices', { id: uuid('id').primaryKey(), label: text('label') }), {
  key: (t) => t.id,
});

describe('shard key types come from the schema', () => {
  it('a bigint key takes bigint only', () => {
    const db = shardedDrizzle({ schema: { accounts }, shards: [{ primary: 'postgres://localhost/x' }] });
    expectTypeOf<ShardKeyOf<{ accounts: typeof accounts }>>().toEqualTypeOf<bigint>();
    // @ts-expect-error a string is not a bigint key
    db.shard('42');
    const rows = db.shard(42n).select().from(accounts).where(eq(accounts.id, 42n));
    expectTypeOf(rows).resolves.toEqualTypeOf<{ id: bigint; name: string }[]>();
  });

  it('a uuid key takes a string, not a number', () => {
    const db = shardedDrizzle({ schema: { devices }, shards: [{ primary: 'postgres://localhost/x' }] });
    // @ts-expect-error a number is not a uuid key
    db.shard(7);
    db.shard('0b4e7d4c-1f0a-4a53-9d57-2f4f1c1b2a3d');
    // @ts-expect-error the table's own key type applies
    db.shardFor(devices, 1);
  });
});
