import { covers, createIndexSql, type ExistingIndex, type IndexRecommendation } from '@drizzle-shard/codegen';
import type { Sql } from 'postgres';

/** Indexes of `table` as the server has them: key columns with directions, partial or not. */
async function existingIndexes(sql: Sql, table: string): Promise<ExistingIndex[]> {
  const rows = await sql<
    { name: string; columns: string[]; desc: boolean[]; unique: boolean; partial: boolean }[]
  >`
    select c.relname as name, i.indisunique as unique, i.indpred is not null as partial,
      array(select a.attname::text from unnest(i.indkey[0:i.indnkeyatts - 1]) with ordinality k(attnum, ord)
            join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum order by k.ord) as columns,
      array(select (o & 1) = 1 from unnest(i.indoption::int2[]) with ordinality o(o, ord) order by ord) as desc
    from pg_index i join pg_class c on c.oid = i.indexrelid
    where i.indrelid = to_regclass(${table}) and i.indisvalid`;
  return rows.map((r) => ({
    name: r.name,
    unique: r.unique,
    partial: r.partial,
    columns: r.columns.map((name, k) => ({
      name,
      direction: r.desc[k] ? ('desc' as const) : ('asc' as const),
    })),
  }));
}

export interface MissingIndex {
  readonly recommendation: IndexRecommendation;
  /** The DDL that creates it (what `drizzle-shard indexes apply` runs). */
  readonly ddl: string;
  /** Sequential scans of its table so far on this node. */
  readonly seqScans: number;
}

/**
 * The codegen's recommended indexes (from `drizzle-shard generate`'s indexes.json) that no valid
 * index on this node serves, with how often their table was read by sequential scans.
 */
export async function findMissingIndexes(
  sql: Sql,
  recommendations: readonly IndexRecommendation[],
): Promise<MissingIndex[]> {
  const missing: MissingIndex[] = [];
  for (const rec of recommendations) {
    const [table] =
      await sql`select coalesce(seq_scan, 0)::float8 as seq from pg_stat_user_tables where relid = to_regclass(${rec.table})`;
    if (!table) continue; // the table is not on this node
    const have = await existingIndexes(sql, rec.table);
    if (have.some((e) => covers(e, rec.columns, 0))) continue;
    missing.push({ recommendation: rec, ddl: createIndexSql(rec), seqScans: Number(table.seq) });
  }
  return missing;
}
