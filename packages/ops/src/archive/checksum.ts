import type { ArchiveColumn } from './source-table.ts';

/**
 * An order-independent checksum computed in SQL on both sides (PostgreSQL and DuckDB): each row
 * becomes one text (columns in their canonical text form, NULL as \x1e, joined by \x1f), its MD5's
 * first 60 bits are read as an integer, and the integers are summed. Both engines compute MD5 of
 * the same UTF-8 bytes, so equal rows give equal sums; timestamps are compared as epoch
 * microseconds because the two engines print them differently.
 */
export interface BatchChecksum {
  readonly rows: number;
  /** Decimal text of the sum (it exceeds 64 bits). */
  readonly sum: string;
}

type Dialect = 'postgres' | 'duckdb';

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
export const quoteLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;

function canonical(column: ArchiveColumn, dialect: Dialect): string {
  const c = quoteIdent(column.name);
  if (column.compareAs === 'epoch-us') {
    return dialect === 'postgres'
      ? `(extract(epoch from ${c}) * 1000000)::bigint::text`
      : `CAST(epoch_us(${c}) AS VARCHAR)`;
  }
  return dialect === 'postgres' ? `${c}::text` : `CAST(${c} AS VARCHAR)`;
}

/**
 * `select count(*), checksum` over `from` (a FROM clause with its WHERE); with `groupBy` (trusted
 * SQL), one row per group, the group's value as `unit`.
 */
export function checksumQuery(
  columns: readonly ArchiveColumn[],
  from: string,
  dialect: Dialect,
  groupBy?: string,
): string {
  const row = `concat_ws(chr(31), ${columns.map((c) => `coalesce(${canonical(c, dialect)}, chr(30))`).join(', ')})`;
  const hashed =
    dialect === 'postgres'
      ? `('x' || substr(md5(${row}), 1, 15))::bit(60)::bigint`
      : `CAST('0x' || substr(md5(${row}), 1, 15) AS BIGINT)`;
  const asText = dialect === 'postgres' ? 'text' : 'VARCHAR';
  const totals = `count(*) as rows, CAST(coalesce(sum(${hashed}), 0) AS ${asText}) as sum`;
  return groupBy
    ? `select ${groupBy} as unit, ${totals} from ${from} group by 1`
    : `select ${totals} from ${from}`;
}

/** A row of `checksumQuery` (either engine) as a BatchChecksum. */
export const checksumOf = (row: Record<string, unknown>): BatchChecksum => ({
  rows: Number(row.rows),
  sum: String(row.sum),
});

export const sameChecksum = (a: BatchChecksum | undefined, b: BatchChecksum | undefined) =>
  a !== undefined && b !== undefined && a.rows === b.rows && a.sum === b.sum;
