import { rules } from '../src/index.ts';
import { code, lineOf, ruleTester } from './rule-tester.ts';

const valid = {
  'key with eq': `export async function f(db: Db, id: number) {
  await db.select().from(orders).where(eq(orders.userId, id));
}`,
  'aliased import': `import { orders as o } from './schema.ts';
export async function f(db: Db, id: number) {
  await db.select().from(o).where(eq(o.userId, id));
}`,
  'table re-exported from another file under another name': `import { purchases } from './tables.ts';
export async function f(db: Db, id: number) {
  await db.update(purchases).set({ status: 'x' }).where(eq(purchases.userId, id));
}`,
  'key nested in and(...)': `export async function f(db: Db, ids: number[]) {
  await db.delete(orders).where(and(eq(orders.status, 'x'), and(gt(orders.id, 3), inArray(orders.userId, ids))));
}`,
  'key bound to a placeholder': `export const q = (db: Db) =>
  db.select().from(orders).where(eq(orders.userId, sql.placeholder('userId'))).prepare('orders_of_user');`,
  'relational query with the key': `export async function f(db: Db, id: number) {
  await db.query.orders.findMany({ where: (t, { eq }) => eq(t.userId, id), limit: 5 });
}`,
  'db.shard(k) runs anything on that shard': `export async function f(db: Db, id: number) {
  await db.shard(id).select().from(orders);
  await db.shard(id).transaction(async (tx) => {
    await tx.update(orders).set({ status: 'paid' });
  });
}`,
  'a generated helper': `import { ordersOf } from './helpers.ts';
export async function f(db: Parameters<typeof ordersOf>[0], id: number) {
  await ordersOf(db, id).find(eq(orders.status, 'new'));
}`,
  'db.allShards() fans out on purpose': `export async function f(db: Db) {
  await db.allShards().select().from(users).where(eq(users.email, 'a@b.c'));
}`,
  'tables that are not sharded': `export async function f(db: Db) {
  await db.select().from(settings);
  await db.select().from(countries);
}`,
};

const invalid: Record<string, { body: string; marker: string; message?: string }> = {
  'aliased import without the key': {
    body: `import { orders as o } from './schema.ts';
export async function f(db: Db) {
  await db.select().from(o).where(eq(o.status, 'new')); // here
}`,
    marker: '// here',
    message:
      'select on `orders` without `user_id` (filters: status): throws SHARD_KEY_MISSING at run time. Add `eq(orders.userId, …)`, use the generated `ordersOf(db, userId)`, or run it through db.allShards() on purpose.',
  },
  're-exported table without the key': {
    body: `import { users as people } from './tables.ts';
export async function f(db: Db) {
  await db.delete(people).where(eq(people.email, 'a')); // here
}`,
    marker: '// here',
  },
  'the key in only one branch of or() inside and()': {
    body: `export async function f(db: Db, id: number) {
  await db
    .select()
    .from(orders) // here
    .where(and(eq(orders.status, 'x'), or(eq(orders.userId, id), eq(orders.id, 2))));
}`,
    marker: '// here',
  },
  'a placeholder on another column': {
    body: `export const q = (db: Db) =>
  db.select().from(orders).where(eq(orders.status, sql.placeholder('s'))).prepare('by_status'); // here`,
    marker: '// here',
  },
  'relational query without the key': {
    body: `export async function f(db: Db) {
  await db.query.orders.findMany({ where: (t, { eq }) => eq(t.status, 'new') }); // here
}`,
    marker: '// here',
  },
  'isNull on the key pins no shard': {
    body: `export async function f(db: Db) {
  await db.select().from(notes).where(isNull(notes.ownerId)); // here
}`,
    marker: '// here',
  },
};

ruleTester.run('require-shard-key', rules['require-shard-key'], {
  valid: Object.entries(valid).map(([name, body]) => ({ name, code: code(body) })),
  invalid: Object.entries(invalid).map(([name, { body, marker, message }]) => ({
    name,
    code: code(body),
    errors: [
      {
        messageId: 'throws' as const,
        line: lineOf(code(body), marker),
        ...(message ? { data: { message } } : {}),
      },
    ],
  })),
});
