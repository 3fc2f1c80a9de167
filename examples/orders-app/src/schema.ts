import {
  bigint,
  bigserial,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { reference, sharded } from 'drizzle-shard';

/** The seed's app: users and their orders, sharded by user id; countries copied to every shard. */
export const users = sharded(
  pgTable(
    'users',
    {
      id: bigint('id', { mode: 'number' }).primaryKey(),
      email: text('email').notNull(),
      name: text('name').notNull(),
      passwordHash: text('password_hash').notNull().default(''),
    },
    (t) => [uniqueIndex('users_id_email_key').on(t.id, t.email)],
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
      createdAt: timestamp('created_at', { mode: 'string' }).notNull().defaultNow(),
    },
    // Like the seed's app, no index for "a user's latest orders" yet: `drizzle-shard generate`
    // recommends it from the queries in queries.ts.
    (t) => [primaryKey({ columns: [t.userId, t.id] })],
  ),
  { key: (t) => t.userId },
);

/** Analytics data (the seed's events and logs): written often, read by reports, archived when old. */
export const events = sharded(
  pgTable(
    'events',
    {
      userId: bigint('user_id', { mode: 'number' }).notNull(),
      id: bigserial('id', { mode: 'number' }).notNull(),
      kind: text('kind').notNull(),
      payload: jsonb('payload'),
      createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    },
    (t) => [primaryKey({ columns: [t.userId, t.id] })],
  ),
  { key: (t) => t.userId },
);

export const logs = sharded(
  pgTable(
    'logs',
    {
      userId: bigint('user_id', { mode: 'number' }).notNull(),
      id: bigserial('id', { mode: 'number' }).notNull(),
      level: text('level').notNull(),
      message: text('message').notNull(),
      createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    },
    (t) => [primaryKey({ columns: [t.userId, t.id] })],
  ),
  { key: (t) => t.userId },
);

export const countries = reference(
  pgTable('countries', { code: text('code').primaryKey(), name: text('name').notNull() }),
);

export const schema = { users, orders, events, logs, countries };

/** DDL applied to every shard by the demo (a real app would run drizzle-kit migrations). */
export const DDL = `
create table if not exists users (id bigint primary key, email text not null, name text not null, password_hash text not null default '');
create unique index if not exists users_id_email_key on users (id, email);
create table if not exists orders (id integer not null, user_id bigint not null, status text not null,
  total numeric(12,2) not null, created_at timestamp not null default now(), primary key (user_id, id));
create table if not exists events (user_id bigint not null, id bigserial not null, kind text not null, payload jsonb,
  created_at timestamptz not null default now(), primary key (user_id, id));
create table if not exists logs (user_id bigint not null, id bigserial not null, level text not null, message text not null,
  created_at timestamptz not null default now(), primary key (user_id, id));
create table if not exists countries (code text primary key, name text not null);
`;
