import { userIdColumn } from '@db/columns.js';
import { bigint, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { sharded } from 'drizzle-shard';

export const users = sharded(
  pgTable('users', { id: bigint('id', { mode: 'number' }).primaryKey(), name: text('name').notNull() }),
  { key: (t) => t.id },
);

export const orders = sharded(
  pgTable(
    'orders',
    {
      id: integer('id').notNull(),
      userId: userIdColumn(),
      total: integer('total').notNull(),
      createdAt: timestamp('created_at').notNull().defaultNow(),
    },
    (t) => [primaryKey({ columns: [t.userId, t.id] })],
  ),
  { key: (t) => t.userId },
);
