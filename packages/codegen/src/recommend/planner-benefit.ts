import postgres from 'postgres';
import type { IndexRecommendation, TableInfo } from '../model.ts';
import { servedPrefix } from './benefit.ts';

/**
 * Replaces each recommendation's benefit with one from the planner statistics of a database
 * holding the app's data (one shard is enough: `ANALYZE`d `pg_class.reltuples` and `pg_stats`):
 * the rows a query reads without the index (the table, or the rows matching the columns a declared
 * index already seeks on, assuming independent columns). Tables without statistics keep theirs.
 */
export async function plannerBenefits(
  url: string,
  recs: readonly IndexRecommendation[],
  tables: readonly TableInfo[],
): Promise<IndexRecommendation[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const out: IndexRecommendation[] = [];
    for (const rec of recs) {
      const table = tables.find((t) => t.name === rec.table);
      const [size] = await sql<{ rows: number }[]>`
        select greatest(reltuples, 0)::float8 as rows from pg_class
        where oid = to_regclass(${`"${rec.table}"`})`;
      if (!table || !size || size.rows <= 0) {
        out.push(rec);
        continue;
      }
      const served = rec.columns.slice(0, servedPrefix(table, rec.columns, rec.columns.length));
      let rows = size.rows;
      for (const column of served) {
        const [stat] = await sql<{ n: number }[]>`
          select n_distinct::float8 as n from pg_stats where tablename = ${rec.table} and attname = ${column.name}`;
        const distinct = stat ? (stat.n >= 0 ? stat.n : -stat.n * size.rows) : 1;
        rows /= Math.max(1, distinct);
      }
      const through = served.length
        ? ` (through the declared index on ${served.map((c) => c.name).join(', ')})`
        : '';
      out.push({
        ...rec,
        benefit: `from planner statistics: without it a query reads ~${Math.ceil(rows)} of ~${Math.round(size.rows)} \`${rec.table}\` rows${through}; with it, only the matching rows`,
      });
    }
    return out;
  } finally {
    await sql.end();
  }
}
