import type { IndexColumn, TableInfo } from '../model.ts';
import { covers } from './covers.ts';

/** How many leading columns of a wanted index a declared (full) index already seeks on. */
export function servedPrefix(table: TableInfo, columns: readonly IndexColumn[], sortFrom: number): number {
  for (let n = columns.length - 1; n > 0; n--) {
    const prefix = columns.slice(0, n);
    if (table.indexes.some((i) => !i.partial && covers(i, prefix, Math.min(sortFrom, n)))) return n;
  }
  return 0;
}

/**
 * What an index saves, from the query's shape: the rows read without it (everything the best
 * declared index narrows to, or the whole table on the shard) against the rows read with it.
 */
export function benefitOf(
  table: TableInfo,
  columns: readonly IndexColumn[],
  sortFrom: number,
  limit: boolean,
): string {
  let served = 0;
  for (let n = columns.length - 1; n > 0; n--) {
    const prefix = columns.slice(0, n);
    if (table.indexes.some((i) => !i.partial && covers(i, prefix, Math.min(sortFrom, n)))) {
      served = n;
      break;
    }
  }
  const names = (cs: readonly IndexColumn[]) => cs.map((c) => c.name).join(', ');
  const without = served
    ? `every \`${table.name}\` row matching (${names(columns.slice(0, served))}) through a declared index`
    : `every \`${table.name}\` row on the shard (no declared index starts with these columns)`;
  const rest = columns.slice(served);
  const work = [
    rest.slice(0, Math.max(0, sortFrom - served)).length
      ? `filters on ${names(rest.slice(0, Math.max(0, sortFrom - served)))}`
      : '',
    columns.length > sortFrom
      ? `${limit ? 'sorts them for a LIMIT' : 'sorts or ranges them'} on ${names(columns.slice(Math.max(sortFrom, served)))}`
      : '',
  ].filter(Boolean);
  const withIt = limit && columns.length > sortFrom ? 'only the rows returned' : 'only the matching rows';
  return `from the query shape: without it reads ${without}${work.length ? ` and ${work.join(', then ')}` : ''}; with it, ${withIt}`;
}
