import { describe, expect, it } from 'vitest';
import { InvalidCursorError } from '../../src/fanout/errors.ts';
import { decodeCursor, encodeCursor, isAfterCursor } from '../../src/fanout/keyset.ts';
import type { SortKey } from '../../src/fanout/sorted-merge.ts';

const keys: SortKey[] = [
  { index: 2, direction: 'desc', kind: 'timestamp' },
  { index: 0, direction: 'asc', kind: 'int8' },
];

function expectInvalid(text: string, forKeys: readonly SortKey[] = keys): void {
  expect(() => decodeCursor(text, forKeys)).toThrow(InvalidCursorError);
  expect(() => decodeCursor(text, forKeys)).toThrow(
    expect.objectContaining({ code: 'FANOUT_CURSOR_INVALID' }),
  );
}

describe('encodeCursor / decodeCursor', () => {
  it('round-trips the key values in key order as URL-safe text', () => {
    const cursor = encodeCursor(['9223372036854775807', 'name', '2024-03-01 10:00:00.5+00'], keys);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, keys)).toEqual({
      values: ['2024-03-01 10:00:00.5+00', '9223372036854775807'],
    });
  });

  it('round-trips nulls, NaN, infinities and bigints', () => {
    const floatKeys: SortKey[] = [
      { index: 0, direction: 'asc', kind: 'number' },
      { index: 1, direction: 'asc', kind: 'number' },
      { index: 2, direction: 'asc', kind: 'int8' },
      { index: 3, direction: 'asc', kind: 'numeric' },
    ];
    const row = [Number.NaN, Number.NEGATIVE_INFINITY, 12345678901234567890n, null];
    expect(decodeCursor(encodeCursor(row, floatKeys), floatKeys)).toEqual({ values: row });
  });

  it('rejects garbage, tampering and cursors for another ordering', () => {
    expectInvalid('');
    expectInvalid('not a cursor!');
    expectInvalid('bm90IGpzb24'); // "not json"
    expectInvalid(Buffer.from('[1,2]').toString('base64url'));
    expectInvalid(Buffer.from('{"v":2,"k":"x","x":[]}').toString('base64url'));
    const cursor = encodeCursor(['1', 'n', '2024-03-01 10:00:00'], keys);
    expectInvalid(`${cursor}=`);
    expectInvalid(cursor, [keys[1]!, keys[0]!]);
    expectInvalid(cursor, [{ ...keys[0]!, direction: 'asc' }, keys[1]!]);
  });

  it('rejects values that do not fit the key kinds', () => {
    const k = encodeCursor(['1', 'n', '2024-03-01 10:00:00'], keys);
    const json = JSON.parse(Buffer.from(k, 'base64url').toString('utf8'));
    const forge = (x: unknown[]) => Buffer.from(JSON.stringify({ ...json, x })).toString('base64url');
    expect(decodeCursor(forge(['2024-03-01', '5']), keys).values).toEqual(['2024-03-01', '5']);
    expectInvalid(forge(['yesterday', '5']));
    expectInvalid(forge(['2024-03-01', '5.5']));
    expectInvalid(forge(['2024-03-01', { evil: true }]));
    expectInvalid(forge(['2024-03-01']));
  });
});

describe('isAfterCursor', () => {
  const cursor = decodeCursor(encodeCursor(['10', 'x', '2024-03-01 10:00:00'], keys), keys);

  it('is strictly after in the sort order', () => {
    expect(isAfterCursor(['10', 'y', '2024-03-01 10:00:00'], cursor, keys)).toBe(false);
    expect(isAfterCursor(['11', 'y', '2024-03-01 10:00:00'], cursor, keys)).toBe(true);
    expect(isAfterCursor(['1', 'y', '2024-03-01 09:59:59.9'], cursor, keys)).toBe(true);
    expect(isAfterCursor(['99', 'y', '2024-03-01 10:00:00.1'], cursor, keys)).toBe(false);
  });

  it('places nulls like the ORDER BY does (DESC → NULLS FIRST)', () => {
    expect(isAfterCursor(['1', 'y', null], cursor, keys)).toBe(false);
    const nullCursor = { values: [null, '5'] };
    expect(isAfterCursor(['1', 'y', '2024-03-01 10:00:00'], nullCursor, keys)).toBe(true);
    expect(isAfterCursor(['6', 'y', null], nullCursor, keys)).toBe(true);
    expect(isAfterCursor(['4', 'y', null], nullCursor, keys)).toBe(false);
  });
});
