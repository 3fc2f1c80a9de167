import { expect, it } from 'vitest';
import { CopyRates } from '../src/copy-rates.ts';

it('reports rows of the expected count, then MB/s and an ETA from the rate between samples', () => {
  const rates = new CopyRates();
  const first = rates.describe(
    'shard 0',
    'orders',
    { rows: 100_000, bytes: 8_000_000, expectedRows: 500_000 },
    10_000,
  );
  expect(first).toBe('orders 100,000/~500,000 rows');
  const second = rates.describe(
    'shard 0',
    'orders',
    { rows: 200_000, bytes: 16_000_000, expectedRows: 500_000 },
    12_000,
  );
  expect(second).toBe('orders 200,000/~500,000 rows 4.0 MB/s ETA 6 s');
  // Another shard's copy of the same table has its own rate; no statistics means no ETA.
  expect(rates.describe('shard 1', 'orders', { rows: 10, bytes: 1_000 }, 12_000)).toBe('orders 10 rows');
  expect(rates.describe('shard 1', 'orders', { rows: 20, bytes: 2_000_000 }, 13_000)).toBe(
    'orders 20 rows 2.0 MB/s',
  );
});
