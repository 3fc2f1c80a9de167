import type {
  AccessPattern,
  IndexColumn,
  IndexRecommendation,
  Predicate,
  SourceLocation,
  TableInfo,
} from '../model.ts';
import { benefitOf } from './benefit.ts';
import { covers, pinsOneRow } from './covers.ts';
import { indexName } from './index-name.ts';

interface Wanted {
  readonly table: TableInfo;
  readonly columns: IndexColumn[];
  /** Columns before this position are equality (direction free), from it on sorted. */
  readonly sortFrom: number;
  readonly sources: SourceLocation[];
  readonly predicates: readonly Predicate[];
  readonly limit: boolean;
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
  return {
    table,
    columns,
    sortFrom,
    sources: [pattern.location],
    predicates: pattern.predicates,
    limit: pattern.limit,
  };
}

/** Same columns in the same order and directions, or both all-equality over the same set. */
const sameWanted = (a: Wanted, b: Wanted) =>
  a.table === b.table &&
  a.columns.length === b.columns.length &&
  (a.columns.every((c, i) => c.name === b.columns[i]!.name && c.direction === b.columns[i]!.direction) ||
    (a.sortFrom === a.columns.length &&
      b.sortFrom === b.columns.length &&
      covers({ name: '', columns: b.columns, unique: false, partial: false }, a.columns, a.sortFrom)));

/**
 * The composite indexes the observed queries need and the schema lacks, checked against the
 * schema: none for a query whose equality columns hold a primary or unique key (one row at most);
 * none when a declared index serves it (equality columns in any order; a partial index when the
 * query implies its predicate); one per distinct column list, folded into a longer one it is a
 * left prefix of; in a stable order (table, then name). Queries the analysis could not read
 * (raw SQL, unknown filters) motivate nothing.
 */
export function recommendIndexes(
  patterns: readonly AccessPattern[],
  tables: readonly TableInfo[],
): IndexRecommendation[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const wanted: Wanted[] = [];
  for (const pattern of patterns) {
    if (pattern.routing === 'unknown' || pattern.routing === 'not-analysed' || pattern.kind === 'insert')
      continue;
    const table = byName.get(pattern.table);
    const want = table && wantedFor(pattern, table);
    if (!want) continue;
    if (pinsOneRow(table.indexes, pattern.equality, pattern.predicates)) continue;
    if (table.indexes.some((index) => covers(index, want.columns, want.sortFrom, want.predicates))) continue;
    const same = wanted.find((w) => sameWanted(w, want));
    if (same) same.sources.push(...want.sources);
    else wanted.push(want);
  }
  // A wanted index that is a left prefix of another (same directions) is served by it.
  const coverOf = (w: Wanted) =>
    wanted.find(
      (other) =>
        other !== w &&
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
      const sources = [...new Map(w.sources.map((s) => [`${s.file}:${s.line}`, s])).values()].sort(
        (a, b) => a.file.localeCompare(b.file) || a.line - b.line,
      );
      return {
        table: w.table.name,
        name: indexName(w.table.name, w.columns),
        columns: w.columns,
        // Only a full unique key may make an index unique; a partial one's uniqueness is not copied.
        unique: false,
        sources,
        benefit: benefitOf(w.table, w.columns, w.sortFrom, w.limit),
      };
    })
    .sort((a, b) => a.table.localeCompare(b.table) || a.name.localeCompare(b.name));
}
