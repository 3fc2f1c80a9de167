import { describe, expect, it } from 'vitest';
import { covers } from '../src/recommend/covers.ts';
import { impliesPredicate, normalizePredicate } from '../src/recommend/partial-predicate.ts';

describe('partial index predicates', () => {
  it('normalises drizzle-rendered SQL', () => {
    expect(normalizePredicate('("documents"."deleted_at" is null)')).toBe('deleted_at is null');
  });

  it('is implied only by matching conditions of the query', () => {
    const pred = '"t"."deleted_at" is null and "t"."status" = \'paid\'';
    expect(
      impliesPredicate(
        [
          { column: 'deleted_at', op: 'is null' },
          { column: 'status', op: '=', value: "'paid'" },
        ],
        pred,
      ),
    ).toBe(true);
    expect(impliesPredicate([{ column: 'deleted_at', op: 'is null' }], pred)).toBe(false);
    expect(impliesPredicate([{ column: 'status', op: '=', value: "'x'" }], '"status" is not null')).toBe(
      true,
    );
    expect(impliesPredicate([{ column: 'a', op: 'is null' }], 'a > 3')).toBe(false);
    // eq(col, $1) is recorded as `is not null`: it implies `col IS NOT NULL` predicates.
    expect(impliesPredicate([{ column: 'rid', op: 'is not null' }], '"rid" IS NOT NULL')).toBe(true);
  });

  it('compares all-equality columns as a set, sorted columns in order', () => {
    const index = {
      name: 'i',
      columns: [
        { name: 'status', direction: 'asc' as const },
        { name: 'team_id', direction: 'asc' as const },
        { name: 'at', direction: 'desc' as const },
      ],
      unique: false,
      partial: false,
    };
    const wanted = [
      { name: 'team_id', direction: 'asc' as const },
      { name: 'status', direction: 'asc' as const },
    ];
    expect(covers(index, wanted, 2)).toBe(true);
    expect(covers(index, [...wanted, { name: 'at', direction: 'asc' }], 2)).toBe(true);
    expect(covers(index, wanted, 1)).toBe(false);
    expect(covers({ ...index, partial: true, predicate: 'x is null' }, wanted, 2)).toBe(false);
    expect(
      covers({ ...index, partial: true, predicate: 'x is null' }, wanted, 2, [
        { column: 'x', op: 'is null' },
      ]),
    ).toBe(true);
  });
});
