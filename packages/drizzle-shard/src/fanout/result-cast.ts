import { divideDecimal, parseDecimal } from './decimal.ts';
import { FanoutMergeError } from './errors.ts';

/**
 * A cast written after an aggregate (`sum(x)::int`, `avg(x)::float8`, `avg(x)::numeric(10,2)`).
 * `scale` is the number of fraction digits the cast rounds to (0 for integers; undefined: none).
 * `float4` rounds to single precision.
 */
export interface ResultCast {
  readonly scale?: number;
  readonly float4?: boolean;
}

/**
 * The scale PostgreSQL gives `sum / count` in numeric division (select_div_scale in numeric.c):
 * at least 16 significant digits, and no less than the sum's own display scale. Weights are in
 * base-10000 digits, as PostgreSQL stores numerics.
 */
export function divisionScale(sum: string, count: string): number {
  const [w1, d1, scale1] = weightOf(sum);
  const [w2, d2] = weightOf(count);
  let qweight = w1 - w2;
  if (d1 <= d2) qweight--;
  return Math.min(Math.max(16 - qweight * 4, scale1, 0), 1000);
}

/** Weight (base-10000) and first base-10000 digit of a finite decimal, and its display scale. */
function weightOf(text: string): [weight: number, firstDigit: number, scale: number] {
  const parsed = parseDecimal(text);
  if ('special' in parsed) return [0, 0, 0];
  const digits = (parsed.unscaled < 0n ? -parsed.unscaled : parsed.unscaled).toString();
  if (digits === '0') return [0, 0, parsed.scale];
  // Align the fraction to whole base-10000 digits, then split the integer into groups of 4.
  const pad = (4 - (parsed.scale % 4)) % 4;
  const aligned = digits + '0'.repeat(pad);
  const fractionGroups = (parsed.scale + pad) / 4;
  const lead = aligned.length % 4 || 4;
  const groups = [aligned.slice(0, lead)];
  for (let i = lead; i < aligned.length; i += 4) groups.push(aligned.slice(i, i + 4));
  const first = groups.findIndex((g) => Number(g) !== 0);
  return [groups.length - fractionGroups - 1 - first, Number(groups[first]), parsed.scale];
}

/**
 * An exact merged value, cast as written and handed back in the JS type a single shard's value
 * had (`sample`): a number for int2/int4/float, a bigint or string for int8 (per the driver's
 * types), a string for numeric.
 */
export function presentAs(exact: string | number, cast: ResultCast | undefined, sample: unknown): unknown {
  if (typeof exact === 'number') {
    if (typeof sample === 'string') return floatAsNumeric(exact);
    return cast?.float4 ? float4Value(exact) : exact;
  }
  const text = cast?.scale === undefined ? exact : divideDecimal(exact, '1', cast.scale);
  if (typeof sample === 'number') return cast?.float4 ? float4Value(Number(text)) : Number(text);
  if (typeof sample === 'bigint') return BigInt(text);
  return text;
}

/**
 * A float4 as the driver reads it: PostgreSQL prints the shortest text that reads back as the same
 * float4, and postgres.js parses that text as a double.
 */
function float4Value(value: number): number {
  const single = Math.fround(value);
  if (!Number.isFinite(single)) return single;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return Number(single.toPrecision(9));
}

/** float8 → numeric as PostgreSQL converts it: 15 significant digits (`%.15g`), then numeric text. */
function floatAsNumeric(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  const text = String(Number(value.toPrecision(15)));
  if (/e/i.test(text) || !Number.isFinite(value)) {
    throw new FanoutMergeError('FANOUT_MERGE_INVALID_INPUT', `Cannot print ${value} as numeric exactly`, {
      value,
    });
  }
  return text;
}
