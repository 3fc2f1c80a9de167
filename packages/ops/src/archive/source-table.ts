import type { Sql, TransactionSql } from 'postgres';
import { ArchiveError } from './archive-error.ts';

/** How a column's values are compared between PostgreSQL and the store. */
export type CompareAs = 'text' | 'epoch-us';

export interface ArchiveColumn {
  readonly name: string;
  /** PostgreSQL's `format_type()`, e.g. `timestamp with time zone`, `numeric(10,2)`. */
  readonly pgType: string;
  /** The column's type in the columnar store. */
  readonly storeType: string;
  readonly compareAs: CompareAs;
}

/** What the archiver needs to know of a source table; identical on every shard. */
export interface SourceTable {
  readonly schema: string;
  readonly name: string;
  readonly columns: readonly ArchiveColumn[];
  /** Primary-key columns in key order: batches are key ranges. */
  readonly key: readonly string[];
  /** The timestamp/date column compared with the cut-off. */
  readonly timeColumn: string;
}

const TIME_TYPES = /^(timestamp|date)/;
const TIME_COLUMN_GUESSES = ['created_at', 'occurred_at', 'inserted_at', 'logged_at', 'at', 'timestamp'];

/**
 * Maps a PostgreSQL type to the store's. Types without an exact columnar twin are kept as
 * PostgreSQL's text form (VARCHAR), so nothing is rounded or reinterpreted on the way.
 */
export function storeTypeOf(pgType: string): { storeType: string; compareAs: CompareAs } {
  const simple: Record<string, string> = {
    smallint: 'SMALLINT',
    integer: 'INTEGER',
    bigint: 'BIGINT',
    real: 'REAL',
    'double precision': 'DOUBLE',
    boolean: 'BOOLEAN',
    date: 'DATE',
    uuid: 'UUID',
    text: 'VARCHAR',
  };
  if (simple[pgType]) return { storeType: simple[pgType], compareAs: 'text' };
  if (pgType.startsWith('character varying')) return { storeType: 'VARCHAR', compareAs: 'text' };
  if (/^timestamp(\(\d\))? with time zone$/.test(pgType))
    return { storeType: 'TIMESTAMPTZ', compareAs: 'epoch-us' };
  if (/^timestamp(\(\d\))? without time zone$/.test(pgType))
    return { storeType: 'TIMESTAMP', compareAs: 'epoch-us' };
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(pgType);
  if (numeric && Number(numeric[1]) <= 38)
    return { storeType: `DECIMAL(${numeric[1]},${numeric[2]})`, compareAs: 'text' };
  return { storeType: 'VARCHAR', compareAs: 'text' };
}

const archiveColumn = (c: { name: string; type: string }): ArchiveColumn => ({
  name: c.name,
  pgType: c.type,
  ...storeTypeOf(c.type),
});

/** Reads a table's columns and primary key from one server's catalog (undefined: no such table). */
export async function readTable(sql: Sql | TransactionSql, qualified: string) {
  const [rel] = await sql`select to_regclass(${qualified})::oid as oid`;
  if (!rel?.oid) return undefined;
  const columns = await sql<{ name: string; type: string }[]>`
    select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute
    where attrelid = ${rel.oid} and attnum > 0 and not attisdropped order by attnum`;
  const key = await sql<{ name: string }[]>`
    select a.attname as name from pg_index i
    cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
    where i.indrelid = ${rel.oid} and i.indisprimary order by k.ord`;
  const [names] = await sql`select n.nspname as schema, c.relname as name from pg_class c
    join pg_namespace n on n.oid = c.relnamespace where c.oid = ${rel.oid}`;
  return {
    schema: names!.schema as string,
    name: names!.name as string,
    columns: columns.map((c) => ({ name: c.name, type: c.type })),
    key: key.map((k) => k.name),
  };
}

/**
 * Describes `table` as every shard has it, or throws `ARCHIVE_BAD_INPUT` before any data moves:
 * the table is missing on a shard, differs between shards, has no primary key, or has no usable
 * time column.
 */
export async function describeSourceTable(
  shards: readonly Sql[],
  table: string,
  timeColumn: string | undefined,
): Promise<SourceTable> {
  const described = [];
  for (const [shard, sql] of shards.entries()) {
    const t = await readTable(sql, table);
    if (!t) throw new ArchiveError('ARCHIVE_BAD_INPUT', `Table "${table}" does not exist on shard ${shard}.`);
    described.push(t);
  }
  const first = described[0]!;
  for (const [shard, t] of described.entries()) {
    if (JSON.stringify(t.columns) !== JSON.stringify(first.columns)) {
      throw new ArchiveError(
        'ARCHIVE_BAD_INPUT',
        `Table "${table}" has different columns on shard ${shard} than on shard 0; run \`drizzle-shard migrate status\` and bring the shards in step first.`,
      );
    }
  }
  if (first.key.length === 0) {
    throw new ArchiveError(
      'ARCHIVE_BAD_INPUT',
      `Table "${table}" has no primary key; the archiver moves rows in primary-key ranges. Add one first.`,
    );
  }
  const time = timeColumn ?? TIME_COLUMN_GUESSES.find((g) => first.columns.some((c) => c.name === g));
  const timeType = first.columns.find((c) => c.name === time)?.type;
  if (!time || !timeType) {
    throw new ArchiveError(
      'ARCHIVE_BAD_INPUT',
      timeColumn
        ? `Table "${table}" has no column "${timeColumn}".`
        : `Table "${table}" has none of the usual time columns (${TIME_COLUMN_GUESSES.join(', ')}); name one with --column.`,
    );
  }
  if (!TIME_TYPES.test(timeType)) {
    throw new ArchiveError(
      'ARCHIVE_BAD_INPUT',
      `Column "${time}" of "${table}" is ${timeType}; the cut-off needs a timestamp or date column.`,
    );
  }
  return {
    schema: first.schema,
    name: first.name,
    key: first.key,
    timeColumn: time,
    columns: first.columns.map(archiveColumn),
  };
}

/** A table's columns as the checksum compares them, from one server's catalog. */
export async function checksumColumns(
  sql: Sql | TransactionSql,
  table: string,
): Promise<ArchiveColumn[] | undefined> {
  const t = await readTable(sql, table);
  return t?.columns.map(archiveColumn);
}
