import type { IndexRecommendation, TableInfo } from '../model.ts';
import { createIndexSql } from '../recommend/index-sql.ts';
import { generatedNotice, withHeader } from './header.ts';

const where = (rec: IndexRecommendation) => rec.sources.map((s) => `${s.file}:${s.line}`).join(', ');

/** `indexes.sql`: one `CREATE INDEX CONCURRENTLY IF NOT EXISTS` per recommendation, with its reasons. */
export function indexesSql(recs: readonly IndexRecommendation[]): string {
  const body = recs.length
    ? recs
        .map(
          (rec) =>
            `-- for ${where(rec)}\n${rec.benefit ? `-- ${rec.benefit}\n` : ''}${createIndexSql(rec).replace(/;?\s*$/, ';')}\n`,
        )
        .join('\n')
    : '-- No missing indexes: every observed query is served by a declared index.\n';
  return withHeader(
    `-- Run on every shard primary (outside a transaction), or: drizzle-shard indexes apply\n\n${body}`,
    '--',
  );
}

/** `indexes.json`: the same, as data (with the source locations that motivated each). */
export function indexesJson(recs: readonly IndexRecommendation[]): string {
  const notice = generatedNotice(JSON.stringify(recs));
  return `${JSON.stringify({ '@generated': notice, format: 1, indexes: recs }, null, 2)}\n`;
}

/** Drizzle `index()` calls to paste into each table's extra config, so the schema declares them. */
export function indexSnippets(recs: readonly IndexRecommendation[], tables: readonly TableInfo[]): string {
  const lines = ['# Recommended indexes as drizzle schema code', ''];
  const byTable = new Map<string, IndexRecommendation[]>();
  for (const rec of recs) byTable.set(rec.table, [...(byTable.get(rec.table) ?? []), rec]);
  if (byTable.size === 0) lines.push('Nothing to add.');
  for (const [name, list] of byTable) {
    const table = tables.find((t) => t.name === name)!;
    const prop = (column: string) => table.columns.find((c) => c.name === column)?.property ?? column;
    const param = table.callbackParam ?? 't';
    lines.push(`## ${table.exportName} (${table.file.split('/').pop()})`, '', '```ts');
    for (const rec of list) {
      const cols = rec.columns
        .map((c) => `${param}.${prop(c.name)}${c.direction === 'desc' ? '.desc()' : ''}`)
        .join(', ');
      lines.push(`${rec.unique ? 'uniqueIndex' : 'index'}('${rec.name}').on(${cols}), // ${where(rec)}`);
    }
    lines.push('```', '');
  }
  return withHeader(`${lines.join('\n')}\n`, '<!--');
}
