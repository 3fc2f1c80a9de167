import { and, asc, type Column, desc, eq, getTableColumns, gt, lt, or, type SQL } from 'drizzle-orm';
import { getTableConfig, type PgDatabase, type PgQueryResultHKT, type PgTable } from 'drizzle-orm/pg-core';
import { DrizzleShardError } from '../errors.ts';
import { decodeCursor, encodeCursor } from '../fanout/keyset.ts';
import type { SortKey } from '../fanout/sorted-merge.ts';
import { kindOfColumn } from './value-kinds.ts';

/** Sort columns by property name, in priority order: `{ createdAt: 'desc', id: 'asc' }`. */
export type KeysetOrder<T extends PgTable> = Partial<
  Record<keyof T['_']['columns'] & string, 'asc' | 'desc'>
>;

export interface KeysetPageOptions<T extends PgTable> {
  readonly from: T;
  readonly where?: SQL;
  /** Not-null columns that together identify a row (end with the primary key). */
  readonly orderBy: KeysetOrder<T>;
  /** Rows per page, 1..10,000. */
  readonly limit: number;
  /** `nextCursor` of the previous page; omit for the first page. */
  readonly after?: string | null;
}

export interface KeysetPage<Row> {
  readonly rows: Row[];
  /** Pass as `after` for the next page; null when this page is the last. */
  readonly nextCursor: string | null;
}

interface SortColumn {
  readonly name: string;
  readonly column: Column;
  readonly direction: 'asc' | 'desc';
}

function refuse(message: string): never {
  throw new DrizzleShardError('CONFIG_INVALID', message);
}

function uniqueColumnSets(table: PgTable): string[][] {
  const config = getTableConfig(table);
  return [
    ...config.columns.filter((c) => c.primary || c.isUnique).map((c) => [c.name]),
    ...config.primaryKeys.map((pk) => pk.columns.map((c) => c.name)),
    ...config.uniqueConstraints.map((u) => u.columns.map((c) => c.name)),
    ...config.indexes
      .filter((i) => i.config.unique && !i.config.where)
      .map((i) => i.config.columns.map((c) => (c as { name?: string }).name ?? '\0')),
  ];
}

/** Checks the ordering is total (ends in a unique, not-null column set) so no row is skipped or repeated. */
function sortColumnsOf<T extends PgTable>(table: T, orderBy: KeysetOrder<T>): SortColumn[] {
  const columns = getTableColumns(table) as Record<string, Column>;
  const sort = Object.entries(orderBy).map(([name, direction]) => {
    const column = columns[name];
    if (!column) refuse(`keysetPage: "${name}" is not a column of the table.`);
    if (direction !== 'asc' && direction !== 'desc')
      refuse(`keysetPage: the direction of "${name}" must be 'asc' or 'desc'.`);
    if (!column.notNull)
      refuse(
        `keysetPage: sort column "${column.name}" is nullable; keyset pages need not-null sort columns.`,
      );
    const precision = (column as { precision?: number }).precision;
    if (column.dataType === 'date' && column.getSQLType().startsWith('timestamp') && !(precision! <= 3)) {
      refuse(
        `keysetPage: "${column.name}" is read as a JS Date, which drops the microseconds PostgreSQL keeps, so a cursor could skip rows. Declare it timestamp({ precision: 3 }) or { mode: 'string' }.`,
      );
    }
    return { name, column, direction } as SortColumn;
  });
  if (sort.length === 0) refuse('keysetPage: orderBy needs at least one column.');
  const sorted = new Set(sort.map((s) => s.column.name));
  if (!uniqueColumnSets(table).some((set) => set.every((c) => sorted.has(c)))) {
    refuse(
      'keysetPage: orderBy must include every column of the primary key (or of a unique constraint), or rows with equal sort values would be skipped or repeated.',
    );
  }
  return sort;
}

/** Turns a cursor value back into what the column's driver mapping expects. */
function columnValue(column: Column, value: unknown): unknown {
  if (value === null) return value;
  if (column.dataType === 'date') return new Date(value as string);
  if (column.dataType === 'bigint') return BigInt(value as string | number | bigint);
  return value;
}

/** `(a, b) > (x, y)` for mixed directions: a ▷ x or (a = x and b ▷ y). */
function afterCondition(sort: readonly SortColumn[], values: readonly unknown[]): SQL {
  const branches = sort.map((s, i) => {
    const equal = sort.slice(0, i).map((p, j) => eq(p.column, columnValue(p.column, values[j])));
    const value = columnValue(s.column, values[i]);
    return and(...equal, s.direction === 'asc' ? gt(s.column, value) : lt(s.column, value))!;
  });
  return or(...branches)!;
}

/**
 * One page of `from`, ordered by `orderBy`, starting strictly after the cursor: a WHERE on the
 * sort columns, so page N costs what page 1 costs (no OFFSET). Works on any drizzle database:
 * `db.shard(key)`, a plain one, or `db.allShards()` (each shard runs the page with its LIMIT and
 * the pages are merged in order). Cursors are opaque base64url strings; a tampered or foreign one
 * throws `FANOUT_CURSOR_INVALID`.
 *
 * @example
 * let page = await keysetPage(db.allShards(), { from: orders, orderBy: { createdAt: 'desc', userId: 'asc', id: 'asc' }, limit: 20 });
 * page = await keysetPage(db.allShards(), { ..., after: page.nextCursor });
 */
export async function keysetPage<T extends PgTable>(
  db: Pick<PgDatabase<PgQueryResultHKT>, 'select'>,
  options: KeysetPageOptions<T>,
): Promise<KeysetPage<T['$inferSelect']>> {
  const { from, limit } = options;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    refuse(`keysetPage: limit must be an integer from 1 to 10000, got ${String(limit)}.`);
  const sort = sortColumnsOf(from, options.orderBy);
  const keys: SortKey[] = sort.map((s, index) => ({
    index,
    direction: s.direction,
    kind: kindOfColumn(s.column),
  }));
  const after = options.after ? decodeCursor(options.after, keys).values : undefined;
  const where = and(options.where, after ? afterCondition(sort, after) : undefined);
  const rows = (await db
    .select()
    .from(from as PgTable)
    .where(where)
    .orderBy(...sort.map((s) => (s.direction === 'asc' ? asc(s.column) : desc(s.column))))
    .limit(limit + 1)) as T['$inferSelect'][];
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page.at(-1) as Record<string, unknown> | undefined;
  return {
    rows: page,
    nextCursor:
      more && last
        ? encodeCursor(
            sort.map((s) => last[s.name]),
            keys,
          )
        : null,
  };
}
