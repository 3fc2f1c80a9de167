import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeSortedRows, type SortKey } from '../../src/fanout/sorted-merge.ts';
import { type Cell, compareModelRows, GENERATED_KINDS, nullableCellArb, splitAcross } from './fixtures.ts';

/** One generated row: a cell per kind (column i has kind GENERATED_KINDS[i]) plus a unique id. */
interface GeneratedRow {
  id: number;
  cells: Cell[];
}

const rowsArb = fc
  .array(fc.tuple(...GENERATED_KINDS.map((kind) => nullableCellArb(kind))), { maxLength: 40 })
  .map((rows) => rows.map((cells, id): GeneratedRow => ({ id, cells })));

const keysArb: fc.Arbitrary<SortKey[]> = fc
  .uniqueArray(fc.nat(GENERATED_KINDS.length - 1), { minLength: 1, maxLength: 3 })
  .chain((indexes) =>
    fc.tuple(
      ...indexes.map((index) =>
        fc.record({
          index: fc.constant(index),
          kind: fc.constant(GENERATED_KINDS[index]!),
          direction: fc.constantFrom<'asc' | 'desc'>('asc', 'desc'),
          nulls: fc.constantFrom<'first' | 'last' | undefined>('first', 'last', undefined),
        }),
      ),
    ),
  );

function toRaw(row: GeneratedRow): unknown[] {
  return [...row.cells.map((cell) => cell.raw), row.id];
}

describe('mergeSortedRows (property)', () => {
  it('equals sorting the union and slicing offset/limit', () => {
    fc.assert(
      fc.property(
        rowsArb,
        keysArb,
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.nat(5), { maxLength: 40 }),
        fc.nat(45),
        fc.option(fc.nat(45), { nil: undefined }),
        (rows, keys, shardCount, choices, offset, limit) => {
          const byModel = (a: GeneratedRow, b: GeneratedRow) => compareModelRows(a.cells, b.cells, keys);
          // Every shard sorts its rows (Array#sort is stable) and truncates to offset+limit, like LIMIT pushed down.
          const shards = splitAcross(rows, choices, shardCount).map((shardRows) =>
            [...shardRows].sort(byModel),
          );
          const wanted = limit === undefined ? undefined : offset + limit;
          const input = shards.map((shardRows) => shardRows.slice(0, wanted).map(toRaw));

          // Reference: the union in (shard, position) order, stably sorted, then OFFSET/LIMIT.
          const expected = shards
            .flat()
            .sort(byModel)
            .slice(offset, wanted)
            .map((row) => row.id);
          const merged = mergeSortedRows(input, keys, { offset, limit });
          expect(merged.map((row) => row.at(-1))).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
