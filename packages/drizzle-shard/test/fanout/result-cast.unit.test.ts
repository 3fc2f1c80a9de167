import { describe, expect, it } from 'vitest';
import { reaggregate } from '../../src/fanout/reaggregate.ts';
import { divisionScale, presentAs } from '../../src/fanout/result-cast.ts';

describe('divisionScale: the scale PostgreSQL gives sum / count', () => {
  it.each([
    ['2888', '480', 16], // avg 6.01…: select avg(…) prints 6.0166666666666667
    ['125000', '10', 12], // avg 12500 (weight 1 in base 10000)
    ['5', '10', 20], // avg 0.5 prints 0.50000000000000000000: a quotient below 1 gets more digits
    ['10.125', '4', 16], // the sum's own scale (3) is below 16
    ['1.00000000000000000001', '3', 20], // … unless it is larger
    ['0', '7', 20], // 0 / 7 prints twenty zeros after the point
  ])('%s / %s → %i', (sum, count, scale) => {
    expect(divisionScale(sum, count)).toBe(scale);
  });
});

describe('presentAs: the cast applied to the exact value, in the JS type one shard gave', () => {
  it.each([
    ['2888', {}, 1, 2888], // sum(x)::float8
    ['6.0166666666666667', {}, 6.5, 6.016666666666667], // avg(x)::float8
    ['6.5', { scale: 0 }, 6, 7], // avg(x)::int rounds halves away from zero, like numeric → int
    ['-6.5', { scale: 0 }, -6, -7],
    ['6.016', { scale: 2 }, '1.00', '6.02'], // ::numeric(12,2)
    ['9007199254740993', { scale: 0 }, '1', '9007199254740993'], // ::int8 as a string
    ['9007199254740993', { scale: 0 }, 1n, 9007199254740993n], // ::int8, driver in bigint mode
    ['1.1', { float4: true }, 1, 1.1], // ::real prints its shortest text
  ] as const)('%s with %o (sample %o) → %o', (exact, cast, sample, expected) => {
    expect(presentAs(exact, cast, sample)).toStrictEqual(expected);
  });

  it('float totals stay floats, or print as numeric does (15 significant digits)', () => {
    expect(presentAs(0.75, undefined, 0.25)).toBe(0.75);
    expect(presentAs(0.1 + 0.2, {}, '0.1')).toBe('0.3');
  });
});

describe('reaggregate keeps the partials’ JS types', () => {
  it('bigint partial sums (postgres.js bigint mode) add up to a bigint', () => {
    const rows = reaggregate([[[2n ** 60n]], [[5n]]], [{ role: 'sum', kind: 'int8' }]);
    expect(rows).toEqual([[2n ** 60n + 5n]]);
  });

  it('a cast count is added exactly and printed in the cast', () => {
    const rows = reaggregate([[['3.00']], [['4.00']]], [{ role: 'count', cast: { scale: 2 } }]);
    expect(rows).toEqual([['7.00']]);
  });
});
