import { normalizeDecimal, toDecimalText } from './decimal.ts';
import { temporalKey } from './temporal.ts';
import type { ValueKind } from './value-kind.ts';

/**
 * Canonical text for a GROUP BY value, so that values PostgreSQL considers equal match across
 * shards even when printed differently: numeric '1.0' and '1.00', float -0 and 0, timestamps
 * '10:00:00.50' and '10:00:00.5', uuids in either case. Null is its own group, as in SQL GROUP BY.
 */
export function canonicalValue(value: unknown, kind: ValueKind): string | null {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      // PostgreSQL groups all NaNs together and treats -0 as 0 (float8 hashing does the same).
      if (Number.isNaN(n)) return 'NaN';
      return n === 0 ? '0' : String(n);
    }
    case 'int8':
    case 'numeric':
      return normalizeDecimal(toDecimalText(value));
    case 'timestamp':
      return temporalKey(value);
    case 'uuid':
      return String(value).toLowerCase();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'text':
      return String(value);
    default:
      // Tagged by type so the number 1 and the string '1' stay different groups.
      return `${typeof value}:${typeof value === 'object' ? safeJson(value) : String(value)}`;
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** One string per combination of group values; JSON keeps it unambiguous (no separator collisions). */
export function groupKey(
  row: readonly unknown[],
  columns: readonly { index: number; kind: ValueKind }[],
): string {
  return JSON.stringify(columns.map((column) => canonicalValue(row[column.index], column.kind)));
}
