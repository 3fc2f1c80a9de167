import { rules } from '../src/index.ts';
import { code, lineOf, ruleTester } from './rule-tester.ts';

ruleTester.run('no-unkeyed-insert', rules['no-unkeyed-insert'], {
  valid: [
    {
      name: 'every row sets the key',
      code: code(`export async function f(db: Db, userId: number) {
  await db.insert(orders).values([{ id: 1, userId, status: 'new' }, { id: 2, userId: 7, status: 'new' }]);
  await db.insert(notes).values({ id: 'a', ownerId: 'b', body: 'c' });
}`),
    },
    {
      name: 'a shard-bound db, and a table that is not sharded',
      code: code(`export async function f(db: Db) {
  await db.shard('owner').insert(notes).values({ id: 'a', body: 'c' });
  await db.insert(settings).values({ name: 'a' });
}`),
    },
  ],
  invalid: [
    {
      name: 'a nullable key left out',
      code: code(`export async function f(db: Db) {
  await db.insert(notes).values({ id: 'a', body: 'c' }); // here
}`),
      errors: [
        {
          messageId: 'throws',
          line: 4,
          data: {
            message:
              'insert into `notes` whose rows do not always set the shard key `owner_id`: throws SHARD_KEY_MISSING at run time. Set `ownerId` in every row.',
          },
        },
      ],
    },
    {
      name: 'rows typed with an optional key',
      code: code(`export async function f(db: Db, rows: (typeof notes.$inferInsert)[]) {
  await db.insert(notes).values(rows); // here
}`),
      errors: [{ messageId: 'throws', line: 4 }],
    },
  ],
});

const twoKeys = code(`export async function f(db: Db, a: number, b: number) {
  await db.transaction(async (tx) => {
    await tx.update(orders).set({ status: 'x' }).where(eq(orders.userId, a));
    await tx.delete(users).where(eq(users.id, b)); // here
  });
}`);
const oneKey = code(`export async function f(db: Db, id: number) {
  await db.transaction(async (tx) => { // here
    await tx.update(orders).set({ status: 'x' }).where(eq(orders.userId, id));
    await tx.insert(orders).values({ id: 1, userId: id, status: 'new' });
  });
}`);

ruleTester.run('no-cross-shard-transaction', rules['no-cross-shard-transaction'], {
  valid: [
    {
      name: 'a transaction on one shard',
      code: code(`export async function f(db: Db, a: number, b: number) {
  await db.shard(a).transaction(async (tx) => {
    await tx.update(orders).set({ status: 'x' }).where(eq(orders.userId, a));
    await tx.delete(users).where(eq(users.id, b));
  });
}`),
    },
  ],
  invalid: [
    {
      name: 'two keys that cannot be proven equal',
      code: twoKeys,
      errors: [{ messageId: 'throws', line: lineOf(twoKeys, '// here') }],
    },
    {
      name: 'one key on the top-level db: use db.shard(key).transaction',
      code: oneKey,
      errors: [
        {
          messageId: 'throws',
          line: lineOf(oneKey, '// here'),
          data: {
            message:
              'db.transaction() on the top-level db throws TRANSACTION_NEEDS_SHARD (a transaction runs on one shard). Every statement uses the key `id`: run it as db.shard(id).transaction(…).',
          },
        },
      ],
    },
  ],
});
