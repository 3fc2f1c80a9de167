import { bigint } from 'drizzle-orm/pg-core';

/** Reached through the app's tsconfig `paths` (`@db/*`), which the CLI must honour. */
export const userIdColumn = () => bigint('user_id', { mode: 'number' }).notNull();
