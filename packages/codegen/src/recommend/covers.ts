import type { ExistingIndex, IndexColumn, Predicate } from '../model.ts';
import { impliesPredicate } from './partial-predicate.ts';

/**
 * Whether an existing index serves a wanted one. The equality part (before `sortFrom`) is a set:
 * the index's first columns must be the same columns in any order. The sorted part follows, in
 * order, with the same directions or all reversed (an index scan runs backwards). A partial index
 * counts only when the query's own conditions imply its predicate.
 */
export function covers(
  existing: ExistingIndex,
  wanted: readonly IndexColumn[],
  sortFrom: number,
  predicates: readonly Predicate[] = [],
): boolean {
  if (existing.columns.length < wanted.length) return false;
  if (existing.partial && !impliesPredicate(predicates, existing.predicate)) return false;
  const equal = new Set(wanted.slice(0, sortFrom).map((c) => c.name));
  if (!existing.columns.slice(0, sortFrom).every((c) => equal.has(c.name))) return false;
  const sorted = wanted.map((c, i) => ({ c, e: existing.columns[i]! })).slice(sortFrom);
  if (!sorted.every(({ c, e }) => c.name === e.name)) return false;
  const same = sorted.every(({ c, e }) => c.direction === e.direction);
  const reversed = sorted.every(({ c, e }) => c.direction !== e.direction);
  return same || reversed;
}

/**
 * Whether a row is already unique for these equality columns: they contain a primary key or a
 * unique key (a partial unique key only when the query implies its predicate).
 */
export function pinsOneRow(
  indexes: readonly ExistingIndex[],
  equality: readonly string[],
  predicates: readonly Predicate[] = [],
): boolean {
  const columns = new Set(equality);
  return indexes.some(
    (i) =>
      i.unique &&
      (!i.partial || impliesPredicate(predicates, i.predicate)) &&
      i.columns.every((c) => columns.has(c.name)),
  );
}
