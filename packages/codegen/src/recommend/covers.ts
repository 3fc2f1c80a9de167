import type { ExistingIndex, IndexColumn } from '../model.ts';

/**
 * Whether an existing index serves a wanted one: the wanted columns are its left prefix, and
 * the sorted part (from `sortFrom` on) has the same directions, or all of them reversed (an
 * index scan runs backwards). Partial indexes never count.
 */
export function covers(existing: ExistingIndex, wanted: readonly IndexColumn[], sortFrom: number): boolean {
  if (existing.partial || existing.columns.length < wanted.length) return false;
  if (!wanted.every((c, i) => existing.columns[i]!.name === c.name)) return false;
  const sorted = wanted.map((c, i) => ({ c, e: existing.columns[i]! })).slice(sortFrom);
  const same = sorted.every(({ c, e }) => c.direction === e.direction);
  const reversed = sorted.every(({ c, e }) => c.direction !== e.direction);
  return same || reversed;
}
