import { BinaryHeap } from './binary-heap.ts';
import { FanoutMergeError } from './errors.ts';
import { compareSortValues, sortValueOf } from './sort-values.ts';
import { compareValues, type ValueKind } from './value-kind.ts';

/**
 * One ORDER BY term, addressing a column of the array-mode row by position.
 * `nulls` defaults like PostgreSQL: NULLS LAST for ASC, NULLS FIRST for DESC.
 */
export interface SortKey {
  index: number;
  direction: 'asc' | 'desc';
  nulls?: 'first' | 'last';
  kind: ValueKind;
}

/** Global OFFSET and LIMIT applied to the merged stream (each shard ran with LIMIT limit+offset). */
export interface MergeOptions {
  limit?: number;
  offset?: number;
}

function nullsFirst(key: SortKey): boolean {
  return key.nulls === undefined ? key.direction === 'desc' : key.nulls === 'first';
}

/**
 * Orders two values of one ORDER BY term: NULLS FIRST/LAST (null or undefined), then `compare`
 * in the term's direction.
 */
function compareTerm(
  x: unknown,
  y: unknown,
  key: SortKey,
  compare: (a: unknown, b: unknown, kind: ValueKind) => number,
): number {
  const xNull = x === null || x === undefined;
  const yNull = y === null || y === undefined;
  if (xNull || yNull) {
    if (xNull && yNull) return 0;
    // NULLS FIRST/LAST is absolute: it is not flipped by DESC.
    return xNull === nullsFirst(key) ? -1 : 1;
  }
  const order = compare(x, y, key.kind);
  return key.direction === 'desc' ? -order : order;
}

/**
 * Compares two rows under ORDER BY `keys` in PostgreSQL semantics; returns -1, 0 or 1.
 * `undefined` (a missing column) is treated like null.
 */
export function compareRows(a: readonly unknown[], b: readonly unknown[], keys: readonly SortKey[]): number {
  for (const key of keys) {
    const order = compareTerm(a[key.index], b[key.index], key, compareValues);
    if (order !== 0) return order;
  }
  return 0;
}

/** {@link compareRows} on the rows' sort values (`sortValuesOf`), term i at position i. */
function compareSorted(a: readonly unknown[], b: readonly unknown[], keys: readonly SortKey[]): number {
  for (let i = 0; i < keys.length; i++) {
    const order = compareTerm(a[i], b[i], keys[i]!, compareSortValues);
    if (order !== 0) return order;
  }
  return 0;
}

function sortValuesOf(row: readonly unknown[], keys: readonly SortKey[]): unknown[] {
  const values = new Array<unknown>(keys.length);
  for (let i = 0; i < keys.length; i++) values[i] = sortValueOf(row[keys[i]!.index], keys[i]!.kind);
  return values;
}

function checkCount(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new FanoutMergeError('FANOUT_MERGE_INVALID_INPUT', `${name} must be a non-negative integer`, {
      [name]: value,
    });
  }
  return value;
}

/** A shard's place in the merge; advanced in place, so the merge allocates no cursor per row. */
interface ShardCursor {
  readonly shard: number;
  position: number;
  /** The ORDER BY values of the row at `position`, prepared once (see `sortValueOf`). */
  sort: unknown[];
}

/**
 * K-way merge of per-shard results that are each already sorted by `keys` (every shard ran the
 * query with the same ORDER BY and LIMIT limit+offset pushed down). Applies `offset` and then `limit`
 * to the merged stream, so the result equals the query on one unsharded database.
 *
 * Ties are broken by shard index, then by position within the shard, so the output is deterministic.
 * Rows are returned by reference, not copied. Throws FANOUT_MERGE_UNSORTED_INPUT when a shard's rows
 * are out of order under `keys` — typically a database collation other than C, or an ORDER BY that
 * differs from `keys` — because the merged result would then be silently wrong.
 *
 * @example
 * mergeSortedRows([[[1], [4]], [[2], [3]]], [{ index: 0, direction: 'asc', kind: 'number' }], { limit: 3 })
 * // → [[1], [2], [3]]
 */
export function mergeSortedRows(
  perShard: readonly (readonly unknown[][])[],
  keys: readonly SortKey[],
  options: MergeOptions = {},
): unknown[][] {
  const offset = checkCount(options.offset, 'offset') ?? 0;
  const limit = checkCount(options.limit, 'limit') ?? Number.POSITIVE_INFINITY;
  const wanted = offset + limit;
  const heap = new BinaryHeap<ShardCursor>(
    (a, b) => compareSorted(a.sort, b.sort, keys) || a.shard - b.shard || a.position - b.position,
  );
  if (limit > 0) {
    perShard.forEach((rows, shard) => {
      const row = rows[0];
      if (row) heap.push({ shard, position: 0, sort: sortValuesOf(row, keys) });
    });
  }
  const merged: unknown[][] = [];
  let emitted = 0;
  while (emitted < wanted) {
    const top = heap.peek();
    if (!top) break;
    const rows = perShard[top.shard]!;
    if (emitted >= offset) merged.push(rows[top.position]!);
    emitted += 1;
    const next = rows[top.position + 1];
    if (!next) {
      heap.pop();
      continue;
    }
    const sort = sortValuesOf(next, keys);
    if (compareSorted(top.sort, sort, keys) > 0) {
      throw new FanoutMergeError(
        'FANOUT_MERGE_UNSORTED_INPUT',
        `Rows from shard ${top.shard} are not sorted by the merge keys at position ${top.position + 1}. ` +
          'Check that the shard query has the same ORDER BY and that databases use the C collation.',
        { shard: top.shard, position: top.position + 1 },
      );
    }
    top.position += 1;
    top.sort = sort;
    heap.replaceTop(top);
  }
  return merged;
}
