import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, isAfterCursor } from '../../src/fanout/keyset.ts';
import { compareRows, type SortKey } from '../../src/fanout/sorted-merge.ts';
import { GENERATED_KINDS, nullableCellArb } from './fixtures.ts';

const rowArb = fc
  .tuple(...GENERATED_KINDS.map((kind) => nullableCellArb(kind)))
  .map((cells) => cells.map((c) => c.raw));
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

describe('keyset cursors (property)', () => {
  it('round-trip and agree with compareRows', () => {
    fc.assert(
      fc.property(rowArb, rowArb, keysArb, (last, candidate, keys) => {
        const cursor = decodeCursor(encodeCursor(last, keys), keys);
        // JSON turns float -0 into 0; harmless because PostgreSQL orders -0 and 0 as equal.
        const withoutNegativeZero = (v: unknown) => (Object.is(v, -0) ? 0 : v);
        expect(cursor.values).toEqual(keys.map((key) => withoutNegativeZero(last[key.index])));
        expect(isAfterCursor(candidate, cursor, keys)).toBe(compareRows(candidate, last, keys) > 0);
        expect(isAfterCursor(last, cursor, keys)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
