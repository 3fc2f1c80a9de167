import { compareCodePoints } from './text-order.ts';

/**
 * Ordering of date/time values as postgres.js hands them over with Drizzle's parsers: the text
 * PostgreSQL prints with DateStyle ISO ('2024-03-01 10:00:00.123+00', '0044-03-15 BC', 'infinity').
 * Plain string comparison is wrong in three ways this module fixes: '10:00:00' vs '10:00:00.5'
 * (missing fraction), offsets that differ between rows (DST changes '+01' to '+02' in one column),
 * and BC years. Values are turned into a point on one time line instead.
 */

/** A parsed date/time value; `rank` places -infinity (-1) and infinity (1) around all finite values. */
export interface TemporalPoint {
  rank: -1 | 0 | 1;
  /** Whole seconds since 1970-01-01 00:00 UTC (or since midnight for time values), offset applied. */
  seconds: number;
  /** Fraction-of-second digits without trailing zeros ('5' for .50). */
  fraction: string;
  /** UTC offset in seconds, kept only for timetz: PostgreSQL orders equal instants there by zone. */
  timeZoneOffset?: number;
}

const TEMPORAL_RE =
  /^(?:(\d{4,})-(\d{2})-(\d{2}))?(?:(?:^|[ T])(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?)?( BC)?$/;

/** Days from 1970-01-01 in the proleptic Gregorian calendar, which PostgreSQL uses (H. Hinnant's algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function stripZeros(digits: string): string {
  return digits.replace(/0+$/, '');
}

function fromDate(value: Date): TemporalPoint | undefined {
  const ms = value.getTime();
  if (Number.isNaN(ms)) return undefined;
  const seconds = Math.floor(ms / 1000);
  return { rank: 0, seconds, fraction: stripZeros(String(ms - seconds * 1000).padStart(3, '0')) };
}

/** Parses PostgreSQL's ISO output of date, time, timetz, timestamp and timestamptz (or a JS Date). */
export function parseTemporal(value: unknown): TemporalPoint | undefined {
  if (value instanceof Date) return fromDate(value);
  if (typeof value !== 'string') return undefined;
  if (value === 'infinity' || value === '+infinity') return { rank: 1, seconds: 0, fraction: '' };
  if (value === '-infinity') return { rank: -1, seconds: 0, fraction: '' };
  const m = TEMPORAL_RE.exec(value);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zulu, sign, offH, offM, offS, bc] = m;
  if (year === undefined && hour === undefined) return undefined;
  // Year 1 BC is astronomical year 0, 2 BC is -1, and so on.
  const astronomicalYear = year === undefined ? 0 : bc ? 1 - Number(year) : Number(year);
  const days = year === undefined ? 0 : daysFromCivil(astronomicalYear, Number(month), Number(day));
  const timeOfDay = hour === undefined ? 0 : Number(hour) * 3600 + Number(minute) * 60 + Number(second ?? 0);
  const hasZone = zulu !== undefined || sign !== undefined;
  const magnitude = Number(offH ?? 0) * 3600 + Number(offM ?? 0) * 60 + Number(offS ?? 0);
  const offset = sign === '-' ? -magnitude : magnitude;
  const point: TemporalPoint = {
    rank: 0,
    seconds: days * 86400 + timeOfDay - offset,
    fraction: stripZeros(fraction ?? ''),
  };
  if (hasZone && year === undefined) point.timeZoneOffset = offset;
  return point;
}

function compareFraction(a: string, b: string): number {
  const width = Math.max(a.length, b.length);
  const x = a.padEnd(width, '0');
  const y = b.padEnd(width, '0');
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Orders two points on the time line; timetz values at the same instant order by zone like PostgreSQL. */
export function compareTemporalPoints(a: TemporalPoint, b: TemporalPoint): number {
  if (a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
  if (a.seconds !== b.seconds) return a.seconds < b.seconds ? -1 : 1;
  const byFraction = compareFraction(a.fraction, b.fraction);
  if (byFraction !== 0) return byFraction;
  // timetz_cmp_internal compares the zone in seconds *west* of UTC, so a larger offset sorts first.
  const zoneA = a.timeZoneOffset ?? 0;
  const zoneB = b.timeZoneOffset ?? 0;
  return zoneA === zoneB ? 0 : zoneA > zoneB ? -1 : 1;
}

/**
 * Orders two date/time values in PostgreSQL order. Text that is not ISO date/time output cannot be
 * placed on the time line; it sorts after all parsable values, by code point among itself.
 */
export function compareTemporal(a: unknown, b: unknown): number {
  return compareParsedTemporal(parsedTemporal(a), parsedTemporal(b));
}

/** A date/time value with its parse kept, for comparing it many times (a k-way merge's keys). */
export interface ParsedTemporal {
  readonly raw: unknown;
  readonly point: TemporalPoint | undefined;
}

export function parsedTemporal(value: unknown): ParsedTemporal {
  return { raw: value, point: parseTemporal(value) };
}

/** {@link compareTemporal} on values parsed once with {@link parsedTemporal}. */
export function compareParsedTemporal(a: ParsedTemporal, b: ParsedTemporal): number {
  const x = a.point;
  const y = b.point;
  if (x && y) return compareTemporalPoints(x, y);
  if (x) return -1;
  if (y) return 1;
  return compareCodePoints(String(a.raw), String(b.raw));
}

/** One spelling per instant, so GROUP BY keys written differently ('10:00:00.50' / '10:00:00.5') match. */
export function temporalKey(value: unknown): string {
  const point = parseTemporal(value);
  if (!point) return `?${String(value)}`;
  return `${point.rank}:${point.seconds}.${point.fraction}@${point.timeZoneOffset ?? ''}`;
}
