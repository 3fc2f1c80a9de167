import { CodegenError } from '../errors.ts';
import type { IndexRecommendation } from '../model.ts';

/** PostgreSQL truncates longer identifiers (NAMEDATALEN - 1), which would break lookups by name. */
export const MAX_IDENTIFIER_BYTES = 63;

/** Quotes one SQL identifier: `say "hi"` → `"say ""hi"""`. Rejects what PostgreSQL would mangle. */
export function quoteIdentifier(name: string, what = 'identifier'): string {
  if (name.length === 0) {
    throw new CodegenError('CODEGEN_INDEX_RECOMMENDATION_INVALID', `The ${what} is empty.`);
  }
  if (name.includes('\0')) {
    throw new CodegenError(
      'CODEGEN_INDEX_RECOMMENDATION_INVALID',
      `The ${what} ${JSON.stringify(name)} contains a NUL character, which PostgreSQL identifiers cannot hold.`,
    );
  }
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_IDENTIFIER_BYTES) {
    throw new CodegenError(
      'CODEGEN_INDEX_RECOMMENDATION_INVALID',
      `The ${what} ${JSON.stringify(name)} is ${bytes} bytes; PostgreSQL keeps only ${MAX_IDENTIFIER_BYTES}. Use a shorter name.`,
    );
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * `CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS "name" ON "table" ("a", "b" DESC)`.
 * ASC is PostgreSQL's default and is left out. Must run outside any transaction block.
 *
 * @example
 * createIndexSql({ table: 'orders', name: 'orders_user_id_created_at_idx', unique: false, sources: [],
 *   columns: [{ name: 'user_id', direction: 'asc' }, { name: 'created_at', direction: 'desc' }] })
 * // CREATE INDEX CONCURRENTLY IF NOT EXISTS "orders_user_id_created_at_idx" ON "orders" ("user_id", "created_at" DESC)
 */
export function createIndexSql(rec: IndexRecommendation): string {
  const name = quoteIdentifier(rec.name, 'index name');
  const table = quoteIdentifier(rec.table, `table name of index ${JSON.stringify(rec.name)}`);
  if (rec.columns.length === 0) {
    throw new CodegenError(
      'CODEGEN_INDEX_RECOMMENDATION_INVALID',
      `Index ${JSON.stringify(rec.name)} on ${JSON.stringify(rec.table)} has no columns.`,
    );
  }
  const columns = rec.columns.map((column) => {
    const quoted = quoteIdentifier(column.name, `column name in index ${JSON.stringify(rec.name)}`);
    if (column.direction === 'desc') return `${quoted} DESC`;
    if (column.direction === 'asc') return quoted;
    throw new CodegenError(
      'CODEGEN_INDEX_RECOMMENDATION_INVALID',
      `Column ${JSON.stringify(column.name)} of index ${JSON.stringify(rec.name)} has direction ${JSON.stringify(column.direction)}; use 'asc' or 'desc'.`,
    );
  });
  const unique = rec.unique ? 'UNIQUE ' : '';
  return `CREATE ${unique}INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ${table} (${columns.join(', ')})`;
}

/** `DROP INDEX CONCURRENTLY IF EXISTS "name"`. Must run outside any transaction block. */
export function dropIndexSql(name: string): string {
  return `DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdentifier(name, 'index name')}`;
}
