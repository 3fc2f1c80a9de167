import { describe, expect, it } from 'vitest';
import type { ColumnRole } from '../../src/fanout/column-role.ts';
import { FanoutMergeError } from '../../src/fanout/errors.ts';
import { reaggregate } from '../../src/fanout/reaggregate.ts';

// SELECT count(*), sum(x), min(x), max(x), avg(x) → shards run count(*), sum, min, max, avg, sum(x), count(x)
const ungrouped: ColumnRole[] = [
  { role: 'count' },
  { role: 'sum', kind: 'numeric' },
  { role: 'min', kind: 'int8' },
  { role: 'max', kind: 'int8' },
  { role: 'avg', sumIndex: 5, countIndex: 6 },
  { role: 'hidden' },
  { role: 'hidden' },
];

describe('reaggregate without GROUP BY', () => {
  it('combines one partial row per shard into one row', () => {
    const rows = reaggregate(
      [
        [['2', '9007199254740993', '1', '9007199254740992', 'ignored', '9007199254740993', '2']],
        [['3', '6', '-5', '7', 'ignored', '6', '3']],
      ],
      ungrouped,
    );
    expect(rows).toEqual([
      ['5', '9007199254740999', '-5', '9007199254740992', '1801439850948199.8000000000000000'],
    ]);
  });

  it('gives null sums/min/max/avg when every shard saw no rows', () => {
    const empty = ['0', null, null, null, null, null, '0'];
    expect(reaggregate([[empty], [empty]], ungrouped)).toEqual([['0', null, null, null, null]]);
  });

  it('returns one row of count 0 / nulls for an empty shard list', () => {
    expect(reaggregate([], ungrouped)).toEqual([['0', null, null, null, null]]);
    expect(reaggregate([[], []], [{ role: 'count' }, { role: 'any' }])).toEqual([['0', null]]);
  });

  it('ignores shards whose partial sum is null', () => {
    const rows = reaggregate(
      [[['1', '2.50']], [['0', null]]],
      [{ role: 'count' }, { role: 'sum', kind: 'numeric' }],
    );
    expect(rows).toEqual([['1', '2.50']]);
  });

  it('keeps numeric scale and propagates NaN through sum, min and max', () => {
    const roles: ColumnRole[] = [
      { role: 'sum', kind: 'numeric' },
      { role: 'max', kind: 'numeric' },
      { role: 'min', kind: 'numeric' },
    ];
    expect(reaggregate([[['1.5', '1.5', '1.5']], [['2.25', '2.25', '2.25']]], roles)).toEqual([
      ['3.75', '2.25', '1.5'],
    ]);
    expect(reaggregate([[['NaN', 'NaN', 'NaN']], [['2', '2', '2']]], roles)).toEqual([['NaN', 'NaN', '2']]);
  });

  it('keeps count representation: int8 strings stay strings, int4 numbers stay numbers', () => {
    expect(reaggregate([[['9007199254740992']], [['1']]], [{ role: 'count' }])).toEqual([
      ['9007199254740993'],
    ]);
    expect(reaggregate([[[2]], [[3]]], [{ role: 'count' }])).toEqual([[5]]);
  });

  it('adds float sums as numbers and averages them as float8', () => {
    const roles: ColumnRole[] = [
      { role: 'sum', kind: 'number' },
      { role: 'avg', sumIndex: 0, countIndex: 2 },
      { role: 'hidden' },
    ];
    expect(reaggregate([[[1.5, 1.5, '1']], [[2.5, 2.5, '3']]], roles)).toEqual([[4, 1]]);
  });

  it('honours an explicit avg scale and rounds half away from zero', () => {
    const roles: ColumnRole[] = [
      { role: 'avg', sumIndex: 1, countIndex: 2, scale: 2 },
      { role: 'hidden' },
      { role: 'hidden' },
    ];
    expect(reaggregate([[[null, '-1', '3']], [[null, '-1', '0']]], roles)).toEqual([['-0.67']]);
  });
});

describe('reaggregate with GROUP BY', () => {
  const roles: ColumnRole[] = [{ role: 'group', kind: 'numeric' }, { role: 'count' }, { role: 'any' }];

  it('matches keys by value across spellings and keeps first-seen order', () => {
    const rows = reaggregate(
      [
        [
          ['1.0', '2', null],
          ['2', '1', 'x'],
        ],
        [
          ['1.00', '3', 'y'],
          [null, '4', null],
        ],
        [[null, '1', 'z']],
      ],
      roles,
    );
    expect(rows).toEqual([
      ['1.0', '5', 'y'],
      ['2', '1', 'x'],
      [null, '5', 'z'],
    ]);
  });

  it('returns no rows when no shard returned a group', () => {
    expect(reaggregate([[], []], roles)).toEqual([]);
    expect(reaggregate([], roles)).toEqual([]);
  });

  it('groups timestamps, floats and uuids by PostgreSQL equality', () => {
    const multi: ColumnRole[] = [
      { role: 'group', kind: 'timestamp' },
      { role: 'group', kind: 'number' },
      { role: 'group', kind: 'uuid' },
      { role: 'count' },
    ];
    const uuid = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
    const rows = reaggregate(
      [[['2024-03-01 10:00:00.50', 0, uuid, '1']], [['2024-03-01 10:00:00.5', -0, uuid.toUpperCase(), '2']]],
      multi,
    );
    expect(rows).toEqual([['2024-03-01 10:00:00.50', 0, uuid, '3']]);
  });

  it('treats int8 group keys exactly', () => {
    const rows = reaggregate(
      [[['9007199254740993', '1']], [['9007199254740992', '1']]],
      [{ role: 'group', kind: 'int8' }, { role: 'count' }],
    );
    expect(rows).toHaveLength(2);
  });
});

describe('reaggregate input checks', () => {
  it('rejects rows whose width does not match the roles', () => {
    expect(() => reaggregate([[['1', '2']]], [{ role: 'count' }])).toThrow(FanoutMergeError);
  });

  it('rejects sums of non-numeric kinds and avg indexes out of range', () => {
    expect(() => reaggregate([], [{ role: 'sum', kind: 'text' }])).toThrow(FanoutMergeError);
    expect(() => reaggregate([], [{ role: 'avg', sumIndex: 3, countIndex: 0 }])).toThrow(FanoutMergeError);
    expect(() => reaggregate([], [{ role: 'avg', sumIndex: 0, countIndex: 0, scale: -1 }])).toThrow(
      FanoutMergeError,
    );
  });

  it('rejects counts that are not integers', () => {
    expect(() => reaggregate([[['1.5']]], [{ role: 'count' }])).toThrow(FanoutMergeError);
  });
});
