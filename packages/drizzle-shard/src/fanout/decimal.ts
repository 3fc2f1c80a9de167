import { FanoutMergeError } from './errors.ts';

/**
 * Exact decimal arithmetic on the strings PostgreSQL prints for int8 and numeric.
 * JS numbers lose precision beyond 2^53 and cannot hold 'NaN'-as-a-value semantics of numeric,
 * so everything here works on BigInt "unscaled value + scale" pairs.
 */

type Special = 'NaN' | 'Infinity' | '-Infinity';

/** `unscaled / 10^scale`, or one of numeric's special values (PostgreSQL 14+ has ±Infinity). */
export type ParsedDecimal = { unscaled: bigint; scale: number } | { special: Special };

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
// Exponents only come from JS number strings (|e| <= 324); the cap stops '1e999999999' from hanging.
const MAX_EXPONENT = 10_000;
const MAX_SCALE = 10_000;

function invalid(text: unknown, why: string): FanoutMergeError {
  return new FanoutMergeError('FANOUT_MERGE_INVALID_INPUT', `Not a decimal value (${why}): ${String(text)}`, {
    value: text,
  });
}

function parseSpecial(text: string): Special | undefined {
  // PostgreSQL prints 'NaN' / 'Infinity' / '-Infinity' but accepts these spellings on input too.
  const lower = text.toLowerCase();
  if (lower === 'nan') return 'NaN';
  if (lower === 'infinity' || lower === '+infinity' || lower === 'inf' || lower === '+inf') return 'Infinity';
  if (lower === '-infinity' || lower === '-inf') return '-Infinity';
  return undefined;
}

/** Parses a decimal string such as '-12.50', '42', 'NaN' or '1e-7'; throws FANOUT_MERGE_INVALID_INPUT otherwise. */
export function parseDecimal(text: string): ParsedDecimal {
  const special = parseSpecial(text);
  if (special) return { special };
  const match = DECIMAL_RE.exec(text);
  const [, sign = '', intPart = '', fracPart = '', expPart] = match ?? [];
  if (!match || intPart.length + fracPart.length === 0) throw invalid(text, 'malformed');
  const exponent = expPart === undefined ? 0 : Number(expPart);
  if (Math.abs(exponent) > MAX_EXPONENT) throw invalid(text, 'exponent out of range');
  let unscaled = BigInt(intPart + fracPart || '0');
  let scale = fracPart.length - exponent;
  if (scale < 0) {
    unscaled *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { unscaled: sign === '-' ? -unscaled : unscaled, scale };
}

/** Whether `text` is a decimal `parseDecimal` accepts (finite, 'NaN' or ±'Infinity'). */
export function isDecimalText(text: string): boolean {
  try {
    parseDecimal(text);
    return true;
  } catch {
    return false;
  }
}

/** Prints a finite decimal the way PostgreSQL does: no exponent, exactly `scale` fraction digits. */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  const sign = negative ? '-' : '';
  if (scale === 0) return sign + digits;
  const padded = digits.padStart(scale + 1, '0');
  return `${sign}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

function rescale(unscaled: bigint, from: number, to: number): bigint {
  return to === from ? unscaled : unscaled * 10n ** BigInt(to - from);
}

function specialSign(value: ParsedDecimal): number {
  if ('special' in value) return value.special === 'Infinity' ? 1 : value.special === '-Infinity' ? -1 : 0;
  return value.unscaled > 0n ? 1 : value.unscaled < 0n ? -1 : 0;
}

/**
 * Exact sum of two decimal strings. The result has the larger of the two scales, as numeric
 * addition in PostgreSQL does, so SUM re-aggregated from partial sums prints like a direct SUM.
 * NaN is contagious and Infinity + -Infinity is NaN, also as in PostgreSQL.
 */
export function addDecimal(a: string, b: string): string {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if ('special' in x || 'special' in y) {
    const sx = 'special' in x ? x.special : undefined;
    const sy = 'special' in y ? y.special : undefined;
    if (sx === 'NaN' || sy === 'NaN' || (sx && sy && sx !== sy)) return 'NaN';
    return sx ?? sy ?? 'NaN';
  }
  const scale = Math.max(x.scale, y.scale);
  return formatDecimal(rescale(x.unscaled, x.scale, scale) + rescale(y.unscaled, y.scale, scale), scale);
}

/**
 * `a / b` rounded to `scale` fraction digits, halves rounded away from zero like PostgreSQL numeric.
 * Throws FANOUT_MERGE_INVALID_INPUT on division by zero (PostgreSQL raises an error there too).
 */
export function divideDecimal(a: string, b: string, scale: number): string {
  if (!Number.isInteger(scale) || scale < 0 || scale > MAX_SCALE) {
    throw invalid(scale, `scale must be an integer between 0 and ${MAX_SCALE}`);
  }
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (('special' in x && x.special === 'NaN') || ('special' in y && y.special === 'NaN')) return 'NaN';
  if (!('special' in y) && y.unscaled === 0n) {
    throw new FanoutMergeError('FANOUT_MERGE_INVALID_INPUT', `Division by zero: ${a} / ${b}`, { a, b });
  }
  if ('special' in x) {
    if ('special' in y) return 'NaN';
    return specialSign(x) * specialSign(y) > 0 ? 'Infinity' : '-Infinity';
  }
  if ('special' in y) return formatDecimal(0n, scale);
  // a/b = (A / 10^sa) / (B / 10^sb) = A * 10^sb / (B * 10^sa); shift by 10^scale to keep the digits.
  const numerator = x.unscaled * 10n ** BigInt(y.scale + scale);
  const denominator = y.unscaled * 10n ** BigInt(x.scale);
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let quotient = n / d;
  if ((n % d) * 2n >= d) quotient += 1n;
  return formatDecimal(negative ? -quotient : quotient, scale);
}

function specialRank(value: ParsedDecimal): number {
  if (!('special' in value)) return 0;
  return value.special === '-Infinity' ? -1 : value.special === 'Infinity' ? 1 : 2;
}

/**
 * Orders two decimal strings exactly, in PostgreSQL's numeric order:
 * -Infinity < every finite value < Infinity < NaN, and NaN equals NaN.
 */
export function compareDecimal(a: string, b: string): number {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  const rankX = specialRank(x);
  const rankY = specialRank(y);
  if (rankX !== rankY || 'special' in x || 'special' in y) return Math.sign(rankX - rankY);
  const scale = Math.max(x.scale, y.scale);
  const left = rescale(x.unscaled, x.scale, scale);
  const right = rescale(y.unscaled, y.scale, scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * One spelling per numeric value ('1.50' and '1.5' both become '1.5'), for matching GROUP BY keys
 * across shards: PostgreSQL groups numerics by value, not by display scale.
 */
export function normalizeDecimal(text: string): string {
  const value = parseDecimal(text);
  if ('special' in value) return value.special;
  let { unscaled, scale } = value;
  while (scale > 0 && unscaled % 10n === 0n) {
    unscaled /= 10n;
    scale -= 1;
  }
  return formatDecimal(unscaled, scale);
}

/** Decimal text of a raw driver value (string, number or bigint), for summing int8/numeric columns. */
export function toDecimalText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return String(value);
  }
  throw invalid(value, `unexpected ${typeof value}`);
}
