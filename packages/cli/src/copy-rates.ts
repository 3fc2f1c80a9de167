import type { TableCopy } from '@drizzle-shard/ops';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * Rates of table copies under way, from successive samples of the same copy: rows, MB/s since
 * the previous sample, and an ETA from the expected row count (when the source has statistics).
 */
export class CopyRates {
  private readonly last = new Map<string, { at: number; rows: number; bytes: number }>();

  describe(label: string, table: string, copy: TableCopy, now = Date.now()): string {
    const key = `${label}\u0000${table}`;
    const prev = this.last.get(key);
    this.last.set(key, { at: now, rows: copy.rows, bytes: copy.bytes });
    const expected =
      copy.expectedRows !== undefined ? `/~${fmt(Math.max(copy.expectedRows, copy.rows))}` : '';
    const parts = [`${table} ${fmt(copy.rows)}${expected} rows`];
    if (prev && now > prev.at && copy.rows >= prev.rows) {
      const seconds = (now - prev.at) / 1000;
      parts.push(`${((copy.bytes - prev.bytes) / seconds / 1e6).toFixed(1)} MB/s`);
      const rowsPerSecond = (copy.rows - prev.rows) / seconds;
      if (copy.expectedRows !== undefined && rowsPerSecond > 0)
        parts.push(`ETA ${Math.ceil(Math.max(0, copy.expectedRows - copy.rows) / rowsPerSecond)} s`);
    }
    return parts.join(' ');
  }
}
