import { describe, expect, it } from 'vitest';
import { FanoutMergeError } from '../../src/fanout/errors.ts';
import { compareTemporal } from '../../src/fanout/temporal.ts';
import { compareCodePoints } from '../../src/fanout/text-order.ts';
import { compareValues, type ValueKind } from '../../src/fanout/value-kind.ts';

function sorted(values: unknown[], kind: ValueKind): unknown[] {
  return [...values].sort((a, b) => compareValues(a, b, kind));
}

describe('compareValues', () => {
  it('orders floats with NaN on top and -0 equal to 0', () => {
    expect(sorted([Number.NaN, 1, Number.POSITIVE_INFINITY, -2, Number.NEGATIVE_INFINITY], 'number')).toEqual(
      [Number.NEGATIVE_INFINITY, -2, 1, Number.POSITIVE_INFINITY, Number.NaN],
    );
    expect(compareValues(-0, 0, 'number')).toBe(0);
    expect(compareValues(Number.NaN, Number.NaN, 'number')).toBe(0);
  });

  it('orders int8 strings exactly, not through JS numbers', () => {
    expect(compareValues('9007199254740993', '9007199254740992', 'int8')).toBe(1);
    expect(compareValues('-9223372036854775808', '9223372036854775807', 'int8')).toBe(-1);
    expect(compareValues('10', '9', 'int8')).toBe(1);
    expect(compareValues(10n, '10', 'int8')).toBe(0);
  });

  it('orders numeric by value, with NaN above all numbers', () => {
    expect(sorted(['10.5', 'NaN', '-1', '2.50', '2.4999999999999999999'], 'numeric')).toEqual([
      '-1',
      '2.4999999999999999999',
      '2.50',
      '10.5',
      'NaN',
    ]);
    expect(compareValues('1.0', '1.000', 'numeric')).toBe(0);
  });

  it('orders text by code point (C collation), unlike UTF-16 comparison', () => {
    expect(sorted(['b', 'B', 'a', 'ä', 'A'], 'text')).toEqual(['A', 'B', 'a', 'b', 'ä']);
    // U+1F600 (4 UTF-8 bytes starting F0) sorts after U+FFFD (EF BF BD); JS '<' says otherwise.
    expect(compareValues('\u{1F600}', '\uFFFD', 'text')).toBe(1);
    expect(compareCodePoints('ab', 'abc')).toBe(-1);
    expect(compareCodePoints('', '')).toBe(0);
  });

  it('orders booleans false < true and uuids by bytes', () => {
    expect(sorted([true, false], 'boolean')).toEqual([false, true]);
    expect(
      compareValues('A0000000-0000-0000-0000-000000000000', '9fffffff-ffff-ffff-ffff-ffffffffffff', 'uuid'),
    ).toBe(1);
    expect(
      compareValues('ABCDEF00-0000-0000-0000-000000000000', 'abcdef00-0000-0000-0000-000000000000', 'uuid'),
    ).toBe(0);
  });

  it('falls back to a typeof-based order for unknown', () => {
    expect(sorted(['b', 2, true, 'a', 1n, false], 'unknown')).toEqual([false, true, 1n, 2, 'a', 'b']);
    expect(compareValues(1.5, 1n, 'unknown')).toBe(1);
    expect(compareValues({ a: 1 }, { a: 2 }, 'unknown')).toBe(-1);
  });

  it('rejects a kind it does not know', () => {
    expect(() => compareValues(1, 2, 'money' as ValueKind)).toThrow(FanoutMergeError);
  });
});

describe('timestamps', () => {
  it('orders missing fractions first: 10:00:00 < 10:00:00.5 < 10:00:00.51', () => {
    expect(
      sorted(['2024-03-01 10:00:00.51', '2024-03-01 10:00:00', '2024-03-01 10:00:00.5'], 'timestamp'),
    ).toEqual(['2024-03-01 10:00:00', '2024-03-01 10:00:00.5', '2024-03-01 10:00:00.51']);
    expect(compareValues('2024-03-01 10:00:00.50', '2024-03-01 10:00:00.5', 'timestamp')).toBe(0);
    expect(compareValues('2024-03-01 09:59:59.999999', '2024-03-01 10:00:00', 'timestamp')).toBe(-1);
  });

  it('compares timestamptz as instants even when offsets differ (DST)', () => {
    // 02:15+01 is 01:15Z, later than 02:30+02 = 00:30Z, although the text sorts first.
    expect(compareValues('2024-10-27 02:30:00+02', '2024-10-27 02:15:00+01', 'timestamp')).toBe(-1);
    expect(compareValues('2024-03-01 10:00:00+05:30', '2024-03-01 04:30:00+00', 'timestamp')).toBe(0);
    expect(compareValues('2024-03-01 10:00:00.123+00', '2024-03-01 10:00:00.123+00', 'timestamp')).toBe(0);
  });

  it('orders dates, BC years, infinity and time values', () => {
    expect(
      sorted(['2024-01-02', 'infinity', '0044-03-15 BC', '-infinity', '0001-01-01'], 'timestamp'),
    ).toEqual(['-infinity', '0044-03-15 BC', '0001-01-01', '2024-01-02', 'infinity']);
    expect(compareValues('0001-12-31 BC', '0001-01-01', 'timestamp')).toBe(-1);
    expect(compareValues('10000-01-01', '9999-12-31', 'timestamp')).toBe(1);
    expect(compareValues('09:00:00', '10:00:00.5', 'timestamp')).toBe(-1);
    // timetz: same instant, larger offset first (PostgreSQL compares seconds west of UTC).
    expect(compareValues('11:00:00+01', '10:00:00+00', 'timestamp')).toBe(-1);
  });

  it('accepts JS Dates and sorts unparsable text after parsable values', () => {
    expect(compareValues(new Date('2024-03-01T10:00:00.500Z'), '2024-03-01 10:00:00.5+00', 'timestamp')).toBe(
      0,
    );
    expect(compareTemporal('garbage', '2024-03-01')).toBe(1);
    expect(compareTemporal('a', 'b')).toBe(-1);
  });
});
