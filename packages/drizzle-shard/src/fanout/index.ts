// Pure merge layer of fan-out queries: no database, no drizzle. Everything works on array-mode rows.
export { addDecimal, compareDecimal, divideDecimal, normalizeDecimal } from './decimal.ts';
export { FanoutMergeError, type FanoutMergeErrorCode, InvalidCursorError } from './errors.ts';
export { canonicalValue, groupKey } from './group-key.ts';
export { decodeCursor, encodeCursor, isAfterCursor, type KeysetCursor } from './keyset.ts';
export { type ColumnRole, DEFAULT_AVG_SCALE, reaggregate } from './reaggregate.ts';
export { compareRows, type MergeOptions, mergeSortedRows, type SortKey } from './sorted-merge.ts';
export { compareCodePoints } from './text-order.ts';
export { compareValues, VALUE_KINDS, type ValueKind } from './value-kind.ts';
