import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalValue } from '../../src/fanout/group-key.ts';
import { compareValues } from '../../src/fanout/value-kind.ts';
import {
  type Cell,
  compareModels,
  GENERATED_KINDS,
  type GeneratedKind,
  nullableCellArb,
} from './fixtures.ts';

const nonNullCell = (kind: GeneratedKind) => nullableCellArb(kind).filter((cell) => cell.model !== null);

// Never -0, so toBe (Object.is) compares orders, not zero signs.
function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

describe('compareValues (property)', () => {
  for (const kind of GENERATED_KINDS) {
    it(`orders ${kind} like the reference model and groups equal values together`, () => {
      fc.assert(
        fc.property(nonNullCell(kind), nonNullCell(kind), (a: Cell, b: Cell) => {
          const expected = compareModels(a.model!, b.model!, kind);
          expect(sign(compareValues(a.raw, b.raw, kind))).toBe(sign(expected));
          expect(sign(compareValues(b.raw, a.raw, kind))).toBe(sign(-expected));
          // GROUP BY equality must agree with ORDER BY equality.
          expect(canonicalValue(a.raw, kind) === canonicalValue(b.raw, kind)).toBe(expected === 0);
        }),
        { numRuns: 400 },
      );
    });
  }

  it('is transitive on triples of numerics and timestamps', () => {
    for (const kind of ['numeric', 'timestamp'] as const) {
      fc.assert(
        fc.property(fc.array(nonNullCell(kind), { minLength: 3, maxLength: 3 }), (cells) => {
          const sorted = [...cells].sort((x, y) => compareValues(x.raw, y.raw, kind));
          for (let i = 1; i < sorted.length; i++) {
            expect(compareModels(sorted[i - 1]!.model!, sorted[i]!.model!, kind)).toBeLessThanOrEqual(0);
          }
        }),
        { numRuns: 200 },
      );
    }
  });
});
