import { relations } from 'drizzle-orm';
import {
  bigint,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { reference, sharded } from '../../src/index.ts';

/** The seed's app, sharded by user id. */
export const users = sharded(
  pgTable(
    'users',
    {
      id: bigint('id', { mode: 'number' }).primaryKey(),
      email: text('email').notNull(),
      name: text('name').notNull(),
      password: text('password').notNull().default(''),
    },
    (t) => [uniqueIndex('users_id_email').on(t.id, t.email)],
  ),
  { key: (t) => t.id },
);

export const orders = sharded(
  pgTable(
    'orders',
    {
      id: integer('id').notNull(),
      userId: bigint('user_id', { mode: 'number' }).notNull(),
      status: text('status').notNull(),
      total: numeric('total', { precision: 12, scale: 2 }).notNull(),
      qty: integer('qty').notNull(),
      createdAt: timestamp('created_at', { mode: 'string' }).notNull(),
    },
    (t) => [
      primaryKey({ columns: [t.userId, t.id] }),
      index('orders_user_created').on(t.userId, t.createdAt),
    ],
  ),
  { key: (t) => t.userId },
);

export const countries = reference(
  pgTable('countries', { code: text('code').primaryKey(), name: text('name').notNull() }),
);

export const settings = pgTable('settings', { key: text('key').primaryKey(), value: text('value') });

export const usersRelations = relations(users, ({ many }) => ({ orders: many(orders) }));
export const ordersRelations = relations(orders, ({ one }) => ({
  user: one(users, { fields: [orders.userId], references: [users.id] }),
}));

export const schema = { users, orders, countries, settings, usersRelations, ordersRelations };

export const DDL = `
create table if not exists users (id bigint primary key, email text not null, name text not null, password text not null default '');
create unique index if not exists users_id_email on users (id, email);
create table if not exists orders (id integer not null, user_id bigint not null, status text not null, total numeric(12,2) not null,
  qty integer not null, created_at timestamp not null, primary key (user_id, id));
create table if not exists countries (code text primary key, name text not null);
create table if not exists settings (key text primary key, value text);
`;
