import { quoteIdent, quoteLiteral } from './checksum.ts';
import type { SourceTable } from './source-table.ts';

/**
 * The SQL predicate of one batch on the shard: rows older than the cut-off whose primary key lies
 * between the batch's first and last key (row comparison, so composite keys work). Values are
 * PostgreSQL's own text, inlined as typed literals (COPY takes no parameters).
 */
export function batchPredicate(
  source: SourceTable,
  cutoff: string,
  firstKey?: readonly string[],
  lastKey?: readonly string[],
): string {
  const typeOf = (name: string) => source.columns.find((c) => c.name === name)!.pgType;
  const time = source.columns.find((c) => c.name === source.timeColumn)!;
  const parts = [`${quoteIdent(time.name)} < ${quoteLiteral(cutoff)}::${time.pgType}`];
  const keyRow = `(${source.key.map(quoteIdent).join(', ')})`;
  const valueRow = (values: readonly string[]) =>
    `(${values.map((v, i) => `${quoteLiteral(v)}::${typeOf(source.key[i]!)}`).join(', ')})`;
  if (firstKey) parts.push(`${keyRow} >= ${valueRow(firstKey)}`);
  if (lastKey) parts.push(`${keyRow} <= ${valueRow(lastKey)}`);
  return parts.join(' and ');
}

export const qualifiedName = (source: SourceTable) =>
  `${quoteIdent(source.schema)}.${quoteIdent(source.name)}`;
