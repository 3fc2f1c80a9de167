import { createHash } from 'node:crypto';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Sql } from 'postgres';

/** The folder's migrations as drizzle reads them (hash of each SQL file, folder time). */
export function folderMigrations(folder: string) {
  return readMigrationFiles({ migrationsFolder: folder });
}

/** Hashes of the migrations recorded on a shard, oldest first (none when never migrated). */
export async function appliedMigrations(client: Sql): Promise<string[]> {
  const [exists] = await client`select to_regclass('drizzle.__drizzle_migrations') is not null as present`;
  if (!exists?.present) return [];
  const rows = await client`select hash from drizzle.__drizzle_migrations order by created_at, id`;
  return rows.map((r) => String(r.hash));
}

/**
 * A fingerprint of the shard's user schema (tables, columns, types, nullability, defaults,
 * indexes, constraints), so shards that should be identical can be compared.
 */
export async function schemaFingerprint(client: Sql): Promise<{ hash: string; lines: string[] }> {
  const columns = await client`
    select table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') as line
    from information_schema.columns
    where table_schema = 'public' order by table_name, column_name`;
  const indexes = await client`
    select indexname || ': ' || indexdef as line from pg_indexes where schemaname = 'public' order by indexname`;
  const constraints = await client`
    select conrelid::regclass::text || ' ' || conname || ': ' || pg_get_constraintdef(oid) as line
    from pg_constraint where connamespace = 'public'::regnamespace order by 1`;
  const lines = [...columns, ...indexes, ...constraints].map((r) => String(r.line));
  return { hash: createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16), lines };
}
