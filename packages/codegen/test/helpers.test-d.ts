import { shardedDrizzle } from 'drizzle-shard';
import { describe, expectTypeOf, it } from 'vitest';
import { insertOrders, ordersOf, usersOf } from '../../../examples/orders-app/src/generated/helpers.ts';
import { type orders, schema, type users } from '../../../examples/orders-app/src/schema.ts';

// The helpers generated for the orders app (committed; `generate --check` keeps them current).
describe('generated helpers are bound to a correctly typed shard key', () => {
  const db = shardedDrizzle({ schema, shards: [{ primary: 'postgres://localhost/x' }] });

  it('need the key, of the schema type', () => {
    // @ts-expect-error the key is required
    ordersOf(db);
    // @ts-expect-error user_id is a bigint in number mode: a string is refused
    ordersOf(db, '7');
    // @ts-expect-error users are keyed by their id (number)
    usersOf(db, { id: 7 });
    expectTypeOf(ordersOf).parameter(1).toEqualTypeOf<number>();
  });

  it("return drizzle's inferred rows", () => {
    expectTypeOf(ordersOf(db, 7).find()).resolves.toEqualTypeOf<(typeof orders.$inferSelect)[]>();
    expectTypeOf(ordersOf(db, 7).byCreatedAtDesc({ limit: 20 })).resolves.toEqualTypeOf<
      (typeof orders.$inferSelect)[]
    >();
    expectTypeOf(usersOf(db, 7).update({ name: 'x' })).resolves.toEqualTypeOf<
      (typeof users.$inferSelect)[]
    >();
    expectTypeOf(ordersOf(db, 7).count()).resolves.toEqualTypeOf<number>();
    // @ts-expect-error an order needs its columns
    insertOrders(db, { userId: 7 });
  });
});
