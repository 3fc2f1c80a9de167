import type { AccessPattern, IndexColumn, IndexRecommendation, SourceLocation, TableInfo } from '../model.ts';
import { covers } from './covers.ts';
import { indexName } from './index-name.ts';

interface Wanted {
  readonly table: TableInfo;
  readonly columns: IndexColumn[];
  /** Columns before this position are equality (direction free), from it on sorted. */
  readonly sortFrom: number;
  readonly sources: SourceLocation[];
}

/** Shard key first, then the other equality columns, then the ORDER BY columns (or one range column). */
function wantedFor(pattern: AccessPattern, table: TableInfo): Wanted | undefined {
  const equality = [...pattern.equality];
  if (table.keyColumn && pattern.hasShardKey) {
    equality.splice(equality.indexOf(table.keyColumn), 1);
    equality.unshift(table.keyColumn);
  }
  const columns: IndexColumn[] = equality.map((name) => ({ name, direction: 'asc' }));
  const sortFrom = columns.length;
  const ordered = pattern.orderBy.filter((o) => !equality.includes(o.name));
  if (ordered.length) columns.push(...ordered);
  else {
    const range = pattern.range.find((r) => !equality.includes(r));
    if (range) columns.push({ name: range, direction: 'asc' });
  }
  if (columns.length === 0) return undefined;
  return { table, columns, sortFrom, sources: [pattern.location] };
}

const sameColumns = (a: readonly IndexColumn[], b: readonly IndexColumn[]) =>
  a.length === b.length && a.every((c, i) => c.name === b[i]!.name && c.direction === b[i]!.direction);

/**
 * The composite indexes the observed queries need and the schema lacks: one per distinct
 * column list, skipping any served by a declared index or by another recommendation it is a
 * left prefix of, in a stable order (table, then name).
 */
export function recommendIndexes(
  patterns: readonly AccessPattern[],
  tables: readonly TableInfo[],
): IndexRecommendation[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const wanted: Wanted[] = [];
  for (const pattern of patterns) {
    const table = byName.get(pattern.table);
    const want = table && wantedFor(pattern, table);
    if (!want) continue;
    if (table.indexes.some((index) => covers(index, want.columns, want.sortFrom))) continue;
    const same = wanted.find((w) => w.table === table && sameColumns(w.columns, want.columns));
    if (same) same.sources.push(...want.sources);
    else wanted.push(want);
  }
  // A wanted index that is a left prefix of another (same directions) is served by it.
  const coverOf = (w: Wanted) =>
    wanted.find(
      (other) =>
        other.table === w.table &&
        other.columns.length > w.columns.length &&
        covers({ name: '', columns: other.columns, unique: false, partial: false }, w.columns, w.sortFrom),
    );
  const kept: Wanted[] = [];
  for (const w of wanted) {
    const cover = coverOf(w);
    if (cover) cover.sources.push(...w.sources);
    else kept.push(w);
  }
  return kept
    .map((w) => {
      const names = new Set(w.columns.map((c) => c.name));
      const unique = w.table.indexes.some(
        (i) => i.unique && i.columns.length === names.size && i.columns.every((c) => names.has(c.name)),
      );
      const sources = [...new Map(w.sources.map((s) => [`${s.file}:${s.line}`, s])).values()].sort(
        (a, b) => a.file.localeCompare(b.file) || a.line - b.line,
      );
      return {
        table: w.table.name,
        name: indexName(w.table.name, w.columns),
        columns: w.columns,
        unique,
        sources,
      };
    })
    .sort((a, b) => a.table.localeCompare(b.table) || a.name.localeCompare(b.name));
}
