import { compareDecimal, toDecimalText } from './decimal.ts';
import { FanoutMergeError } from './errors.ts';
import { compareTemporal } from './temporal.ts';
import { compareCodePoints } from './text-order.ts';

/**
 * How to interpret a raw value postgres.js returned (array mode, Drizzle's parsers installed):
 * - `number`: int2, int4, float4, float8 → JS number
 * - `int8`: int8, count(*), sum(int2/int4) → decimal string such as '-9223372036854775808'
 * - `numeric`: numeric, sum(int8/numeric), avg(...) → decimal string such as '12.50' or 'NaN'
 * - `text`: text, varchar, char → string, ordered by code point (C collation assumed)
 * - `timestamp`: date, time, timetz, timestamp, timestamptz → ISO output text
 * - `boolean`, `uuid`, and `unknown` for anything else (ordered by a typeof-based fallback).
 */
export type ValueKind = 'number' | 'int8' | 'numeric' | 'text' | 'timestamp' | 'boolean' | 'uuid' | 'unknown';

/** Every ValueKind, for validating kinds that arrive at runtime (e.g. from a cursor or config). */
export const VALUE_KINDS: readonly ValueKind[] = [
  'number',
  'int8',
  'numeric',
  'text',
  'timestamp',
  'boolean',
  'uuid',
  'unknown',
];

function sign(x: number): number {
  return x < 0 ? -1 : x > 0 ? 1 : 0;
}

/** float4/float8 order in PostgreSQL: NaN equals NaN and sorts above everything, -0 equals 0. */
function compareFloat(a: number, b: number): number {
  const nanA = Number.isNaN(a);
  const nanB = Number.isNaN(b);
  if (nanA || nanB) return nanA && nanB ? 0 : nanA ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function toFloat(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

function compareInt8(a: unknown, b: unknown): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  // Exact decimal comparison: int8 beyond 2^53 must not go through a JS number.
  return compareDecimal(toDecimalText(a), toDecimalText(b));
}

function compareBoolean(a: unknown, b: unknown): number {
  return sign(Number(Boolean(a)) - Number(Boolean(b)));
}

/** PostgreSQL compares uuids as 16 bytes, which is the order of their lowercase hex text. */
function compareUuid(a: unknown, b: unknown): number {
  return compareCodePoints(String(a).toLowerCase(), String(b).toLowerCase());
}

function typeRank(value: unknown): number {
  if (typeof value === 'boolean') return 0;
  if (typeof value === 'number' || typeof value === 'bigint') return 1;
  if (typeof value === 'string') return 2;
  if (value instanceof Date) return 3;
  return 4;
}

function compareNumberToBigInt(n: number, b: bigint): number {
  if (Number.isNaN(n) || n === Number.POSITIVE_INFINITY) return 1;
  if (n === Number.NEGATIVE_INFINITY) return -1;
  const floor = Math.floor(n);
  const whole = BigInt(floor);
  if (whole !== b) return whole < b ? -1 : 1;
  return n === floor ? 0 : 1;
}

function stableText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // Objects holding bigints or cycles: any deterministic text will do for a fallback order.
    return String(value);
  }
}

/** Fallback order for kinds we know nothing about: booleans < numbers < strings < dates < objects. */
function compareUnknown(a: unknown, b: unknown): number {
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA !== rankB) return sign(rankA - rankB);
  if (typeof a === 'boolean' || typeof b === 'boolean') return compareBoolean(a, b);
  if (typeof a === 'number' && typeof b === 'number') return compareFloat(a, b);
  if (typeof a === 'bigint' && typeof b === 'bigint') return compareInt8(a, b);
  if (typeof a === 'number' && typeof b === 'bigint') return compareNumberToBigInt(a, b);
  if (typeof a === 'bigint' && typeof b === 'number') return -compareNumberToBigInt(b, a);
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (a instanceof Date && b instanceof Date) return compareFloat(a.getTime(), b.getTime());
  return compareCodePoints(stableText(a), stableText(b));
}

/**
 * Compares two non-null raw values in PostgreSQL's ascending order for `kind`; returns -1, 0 or 1.
 * Null placement (NULLS FIRST/LAST) is the caller's job — see `compareRows`.
 * int8/numeric compare exactly as decimals, numeric 'NaN' and float NaN sort above every number,
 * text compares by code point (the C collation), and timestamps compare as instants.
 */
export function compareValues(a: unknown, b: unknown, kind: ValueKind): number {
  switch (kind) {
    case 'number':
      return compareFloat(toFloat(a), toFloat(b));
    case 'int8':
      return compareInt8(a, b);
    case 'numeric':
      return compareDecimal(toDecimalText(a), toDecimalText(b));
    case 'text':
      return compareCodePoints(String(a), String(b));
    case 'timestamp':
      return compareTemporal(a, b);
    case 'boolean':
      return compareBoolean(a, b);
    case 'uuid':
      return compareUuid(a, b);
    case 'unknown':
      return compareUnknown(a, b);
    default:
      // Kinds can arrive from untyped config; an unknown one must not silently compare as equal.
      throw new FanoutMergeError('FANOUT_MERGE_INVALID_INPUT', `Unknown value kind: ${String(kind)}`, {
        kind,
      });
  }
}
