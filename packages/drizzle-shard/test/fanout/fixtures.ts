import fc from 'fast-check';
import type { SortKey } from '../../src/fanout/sorted-merge.ts';
import type { ValueKind } from '../../src/fanout/value-kind.ts';

/**
 * Generators for raw values exactly as postgres.js returns them, each paired with a "model": a value
 * whose order is obvious (bigint, number, plain string). Reference implementations in the property
 * tests sort and aggregate models, so they never share code with the implementation under test.
 */
export type Model = bigint | number | string;

export interface Cell {
  raw: unknown;
  model: Model | null;
}

export type GeneratedKind = Exclude<ValueKind, 'unknown'>;
export const GENERATED_KINDS: readonly GeneratedKind[] = [
  'int8',
  'numeric',
  'text',
  'timestamp',
  'number',
  'boolean',
  'uuid',
];

/** numeric models are unscaled at this common scale; NaN and ±Infinity get sentinels beyond any value. */
export const MODEL_SCALE = 4;
const NUMERIC_NAN = 10n ** 60n;
const NUMERIC_INFINITY = 10n ** 59n;

/** Prints unscaled/10^scale with exactly `scale` fraction digits (test-side, deliberately naive). */
export function printDecimal(unscaled: bigint, scale: number): string {
  const sign = unscaled < 0n ? '-' : '';
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return scale === 0
    ? sign + digits
    : `${sign}${digits.slice(0, digits.length - scale)}.${digits.slice(-scale)}`;
}

export const int8Arb: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: -3n, max: 3n }),
  fc.constantFrom(2n ** 53n, 2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
);

/** A finite numeric as (unscaled, scale); small values collide often, spelled differently ('1', '1.0', '1.00'). */
export const finiteNumericArb: fc.Arbitrary<{ unscaled: bigint; scale: number }> = fc
  .tuple(
    fc.oneof(fc.bigInt({ min: -200n, max: 200n }), fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n })),
    fc.nat(3),
  )
  .map(([unscaled, scale]) => ({ unscaled, scale }));

const numericCellArb: fc.Arbitrary<Cell> = fc.oneof(
  { weight: 10, arbitrary: finiteNumericArb.map(({ unscaled, scale }) => numericCell(unscaled, scale)) },
  { weight: 1, arbitrary: fc.constant<Cell>({ raw: 'NaN', model: NUMERIC_NAN }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Cell>(
      { raw: 'Infinity', model: NUMERIC_INFINITY },
      { raw: '-Infinity', model: -NUMERIC_INFINITY },
    ),
  },
);

export function numericCell(unscaled: bigint, scale: number): Cell {
  return { raw: printDecimal(unscaled, scale), model: unscaled * 10n ** BigInt(MODEL_SCALE - scale) };
}

const offsetsInMinutes = [null, 0, 60, 120, -210, 330] as const;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** PostgreSQL ISO output for an instant (µs since epoch, UTC) shown at `offset` minutes, or as timestamp. */
export function printTimestamp(micros: bigint, offset: number | null): string {
  const local = micros + BigInt((offset ?? 0) * 60) * 1_000_000n;
  let seconds = local / 1_000_000n;
  let fraction = local % 1_000_000n;
  if (fraction < 0n) {
    seconds -= 1n;
    fraction += 1_000_000n;
  }
  const iso = new Date(Number(seconds) * 1000).toISOString();
  const digits = fraction.toString().padStart(6, '0').replace(/0+$/, '');
  let text = `${iso.slice(0, 10)} ${iso.slice(11, 19)}${digits ? `.${digits}` : ''}`;
  if (offset !== null) {
    const abs = Math.abs(offset);
    text += `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${abs % 60 ? `:${pad(abs % 60)}` : ''}`;
  }
  return text;
}

const BASE_MICROS = 1_709_287_200_000_000n; // 2024-03-01 10:00:00Z
export const timestampCellArb: fc.Arbitrary<Cell> = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(0n, 500_000n, 510_000n, 1n, -1n, 3_600_000_000n),
      // ±6e16 µs ≈ ±1900 years keeps every year in 0001..9999, which toISOString prints plainly.
      fc.bigInt({ min: -(6n * 10n ** 16n), max: 6n * 10n ** 16n }),
    ),
    fc.constantFrom(...offsetsInMinutes),
  )
  .map(([delta, offset]) => ({
    raw: printTimestamp(BASE_MICROS + delta, offset),
    model: BASE_MICROS + delta,
  }));

const textArb = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'b', 'B', 'é', '\u{1F600}', '\uFFFD', '\uE000'), maxLength: 3 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);

const uuidArb = fc.oneof(
  fc.constantFrom('00000000-0000-4000-8000-000000000000', 'ffffffff-ffff-4fff-bfff-ffffffffffff'),
  fc.uuid(),
);

function cellArb(kind: GeneratedKind): fc.Arbitrary<Cell> {
  switch (kind) {
    case 'int8':
      return int8Arb.map((v) => ({ raw: v.toString(), model: v }));
    case 'numeric':
      return numericCellArb;
    case 'text':
      return textArb.map((v) => ({ raw: v, model: v }));
    case 'timestamp':
      return timestampCellArb;
    case 'number':
      return fc
        .oneof(fc.constantFrom(0, -0, 1.5, Number.NaN), fc.double())
        .map((v) => ({ raw: v, model: v }));
    case 'boolean':
      return fc.boolean().map((v) => ({ raw: v, model: v ? 1 : 0 }));
    case 'uuid':
      return uuidArb.map((v) => ({ raw: v, model: v.toLowerCase() }));
  }
}

/** A cell of `kind`, null about one time in six. */
export function nullableCellArb(kind: GeneratedKind): fc.Arbitrary<Cell> {
  return fc.oneof(
    { weight: 5, arbitrary: cellArb(kind) },
    { weight: 1, arbitrary: fc.constant<Cell>({ raw: null, model: null }) },
  );
}

/** Reference order of two non-null models of `kind`. */
export function compareModels(a: Model, b: Model, kind: GeneratedKind): number {
  if (kind === 'text') return Buffer.compare(Buffer.from(String(a), 'utf8'), Buffer.from(String(b), 'utf8'));
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Reference ORDER BY over model rows, with PostgreSQL's default null placement written out again. */
export function compareModelRows(a: readonly Cell[], b: readonly Cell[], keys: readonly SortKey[]): number {
  for (const key of keys) {
    const x = a[key.index]!.model;
    const y = b[key.index]!.model;
    const nullsFirst = key.nulls ? key.nulls === 'first' : key.direction === 'desc';
    if (x === null || y === null) {
      if (x === y) continue;
      return (x === null) === nullsFirst ? -1 : 1;
    }
    const order = compareModels(x, y, key.kind as GeneratedKind);
    if (order !== 0) return key.direction === 'asc' ? order : -order;
  }
  return 0;
}

/** Splits items over `shardCount` shards following the generated per-item choices. */
export function splitAcross<T>(items: readonly T[], choices: readonly number[], shardCount: number): T[][] {
  const shards: T[][] = Array.from({ length: shardCount }, () => []);
  items.forEach((item, i) => {
    shards[(choices[i] ?? 0) % shardCount]!.push(item);
  });
  return shards;
}
