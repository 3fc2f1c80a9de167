import { describe, expect, it } from 'vitest';
import { FanoutMergeError } from '../../src/fanout/errors.ts';
import { compareRows, mergeSortedRows, type SortKey } from '../../src/fanout/sorted-merge.ts';

const byIdAsc: SortKey[] = [{ index: 0, direction: 'asc', kind: 'int8' }];

describe('compareRows', () => {
  it('puts nulls last for ASC and first for DESC by default', () => {
    expect(compareRows([null], [1], [{ index: 0, direction: 'asc', kind: 'number' }])).toBe(1);
    expect(compareRows([null], [1], [{ index: 0, direction: 'desc', kind: 'number' }])).toBe(-1);
    expect(compareRows([null], [null], [{ index: 0, direction: 'desc', kind: 'number' }])).toBe(0);
  });

  it('honours explicit NULLS FIRST/LAST regardless of direction', () => {
    expect(compareRows([null], [1], [{ index: 0, direction: 'asc', nulls: 'first', kind: 'number' }])).toBe(
      -1,
    );
    expect(compareRows([null], [1], [{ index: 0, direction: 'desc', nulls: 'last', kind: 'number' }])).toBe(
      1,
    );
    expect(
      compareRows([undefined], [1], [{ index: 0, direction: 'asc', nulls: 'first', kind: 'number' }]),
    ).toBe(-1);
  });

  it('uses later keys only to break ties and flips DESC', () => {
    const keys: SortKey[] = [
      { index: 1, direction: 'desc', kind: 'text' },
      { index: 0, direction: 'asc', kind: 'int8' },
    ];
    expect(compareRows(['1', 'b'], ['2', 'a'], keys)).toBe(-1);
    expect(compareRows(['2', 'a'], ['1', 'a'], keys)).toBe(1);
    expect(compareRows(['1', 'a'], ['1', 'a'], keys)).toBe(0);
  });
});

describe('mergeSortedRows', () => {
  it('merges shards in order, including int8 beyond 2^53', () => {
    const merged = mergeSortedRows(
      [
        [['1'], ['9007199254740993']],
        [['9007199254740992'], ['9223372036854775807']],
        [['-9223372036854775808']],
      ],
      byIdAsc,
    );
    expect(merged).toEqual([
      ['-9223372036854775808'],
      ['1'],
      ['9007199254740992'],
      ['9007199254740993'],
      ['9223372036854775807'],
    ]);
  });

  it('applies offset then limit globally', () => {
    const shards = [
      [['1'], ['4'], ['6']],
      [['2'], ['3'], ['5']],
    ];
    expect(mergeSortedRows(shards, byIdAsc, { offset: 2, limit: 3 })).toEqual([['3'], ['4'], ['5']]);
    expect(mergeSortedRows(shards, byIdAsc, { limit: 2 })).toEqual([['1'], ['2']]);
    expect(mergeSortedRows(shards, byIdAsc, { offset: 5 })).toEqual([['6']]);
  });

  it('returns nothing for limit 0, offset beyond the end, or empty shards', () => {
    const shards = [[['1']], [['2']]];
    expect(mergeSortedRows(shards, byIdAsc, { limit: 0 })).toEqual([]);
    expect(mergeSortedRows(shards, byIdAsc, { offset: 10, limit: 5 })).toEqual([]);
    expect(mergeSortedRows([[], [], []], byIdAsc, { limit: 5 })).toEqual([]);
    expect(mergeSortedRows([], byIdAsc)).toEqual([]);
    expect(mergeSortedRows([[], [['1']], []], byIdAsc)).toEqual([['1']]);
  });

  it('breaks ties by shard index, then position, and returns rows by reference', () => {
    const x0 = ['1', 'x0'];
    const y0 = ['1', 'y0'];
    const y1 = ['1', 'y1'];
    const z0 = ['1', 'z0'];
    const merged = mergeSortedRows([[x0], [y0, y1], [z0]], byIdAsc);
    expect(merged.map((row) => row[1])).toEqual(['x0', 'y0', 'y1', 'z0']);
    expect(merged[0]).toBe(x0);
  });

  it('merges DESC NULLS FIRST timestamps with and without fractions', () => {
    const keys: SortKey[] = [{ index: 0, direction: 'desc', kind: 'timestamp' }];
    const merged = mergeSortedRows(
      [
        [[null], ['2024-03-01 10:00:00.51'], ['2024-03-01 10:00:00']],
        [['2024-03-01 10:00:00.5'], ['2024-02-29 23:59:59.999999']],
      ],
      keys,
    );
    expect(merged.map((row) => row[0])).toEqual([
      null,
      '2024-03-01 10:00:00.51',
      '2024-03-01 10:00:00.5',
      '2024-03-01 10:00:00',
      '2024-02-29 23:59:59.999999',
    ]);
  });

  it('orders numeric NaN above every number', () => {
    const keys: SortKey[] = [{ index: 0, direction: 'asc', kind: 'numeric' }];
    const merged = mergeSortedRows(
      [
        [['1.5'], ['NaN']],
        [['-2'], ['10.00']],
      ],
      keys,
    );
    expect(merged.map((row) => row[0])).toEqual(['-2', '1.5', '10.00', 'NaN']);
  });

  it('refuses unsorted shard input instead of returning a wrong order', () => {
    const run = () => mergeSortedRows([[['2'], ['1']]], byIdAsc);
    expect(run).toThrow(FanoutMergeError);
    expect(run).toThrow(expect.objectContaining({ code: 'FANOUT_MERGE_UNSORTED_INPUT' }));
  });

  it('rejects negative or fractional limit/offset', () => {
    expect(() => mergeSortedRows([], byIdAsc, { limit: -1 })).toThrow(FanoutMergeError);
    expect(() => mergeSortedRows([], byIdAsc, { offset: 1.5 })).toThrow(FanoutMergeError);
  });
});
