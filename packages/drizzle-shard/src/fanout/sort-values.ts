import { compareParsedTemporal, type ParsedTemporal, parsedTemporal } from './temporal.ts';
import { compareValues, type ValueKind } from './value-kind.ts';

/**
 * A row's ORDER BY values prepared for repeated comparison: a k-way merge compares each row
 * several times (heap sifts, the sortedness check), so work a comparison would redo (parsing
 * date/time text) is done once per row here. Nulls stay null: their placement is the caller's.
 */
export function sortValueOf(value: unknown, kind: ValueKind): unknown {
  if (kind === 'timestamp' && value !== null && value !== undefined) return parsedTemporal(value);
  return value;
}

/** {@link compareValues} on values prepared by {@link sortValueOf} with the same kind. */
export function compareSortValues(a: unknown, b: unknown, kind: ValueKind): number {
  if (kind === 'timestamp') return compareParsedTemporal(a as ParsedTemporal, b as ParsedTemporal);
  return compareValues(a, b, kind);
}
