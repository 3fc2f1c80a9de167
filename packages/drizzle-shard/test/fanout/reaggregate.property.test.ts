import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ColumnRole } from '../../src/fanout/column-role.ts';
import { reaggregate } from '../../src/fanout/reaggregate.ts';
import {
  type Cell,
  finiteNumericArb,
  type GeneratedKind,
  MODEL_SCALE,
  numericCell,
  printDecimal,
  printTimestamp,
  splitAcross,
} from './fixtures.ts';

/**
 * SELECT g..., count(*), count(x), sum(x), min(x), max(x), avg(x), sum(y), min(y), max(y), avg(y), z
 * with x int8 and y numeric. A naive model-based aggregator plays both the shards (producing partial
 * rows with the hidden sum/count columns the planner adds for AVG) and the single unsharded database.
 */
interface BaseRow {
  groups: Cell[];
  x: bigint | null;
  y: Cell;
  z: string | null;
}

const AVG_SCALE = 16;
const NULL_CELL: Cell = { raw: null, model: null };

/** Group values from small domains, spelled differently for equal values, so groups collide across shards. */
const groupCellArbs: Record<Exclude<GeneratedKind, 'uuid'>, fc.Arbitrary<Cell>> = {
  text: fc.constantFrom('a', 'b', 'ä').map((v) => ({ raw: v, model: v })),
  int8: fc.constantFrom(1n, 2n, 2n ** 53n, 2n ** 53n + 1n).map((v) => ({ raw: v.toString(), model: v })),
  numeric: fc
    .constantFrom<[bigint, number]>([1n, 0], [10n, 1], [100n, 2], [25n, 1], [250n, 2], [0n, 1], [0n, 0])
    .map(([unscaled, scale]) => numericCell(unscaled, scale)),
  boolean: fc.boolean().map((v) => ({ raw: v, model: v ? 1 : 0 })),
  // The same two instants printed at different UTC offsets.
  timestamp: fc.tuple(fc.constantFrom(0n, 500_000n), fc.constantFrom(0, 60, -210)).map(([delta, offset]) => ({
    raw: printTimestamp(1_709_287_200_000_000n + delta, offset),
    model: delta,
  })),
  number: fc.constantFrom(0, -0, 1.5, Number.NaN).map((v) => ({ raw: v, model: v })),
};
type GroupKind = keyof typeof groupCellArbs;
const GROUP_KINDS = Object.keys(groupCellArbs) as GroupKind[];

function nullable<T>(arb: fc.Arbitrary<T>, nil: T): fc.Arbitrary<T> {
  return fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(nil) });
}

const yArb: fc.Arbitrary<Cell> = fc.oneof(
  { weight: 12, arbitrary: finiteNumericArb.map(({ unscaled, scale }) => numericCell(unscaled, scale)) },
  { weight: 3, arbitrary: fc.constant(NULL_CELL) },
  { weight: 1, arbitrary: fc.constant<Cell>({ raw: 'NaN', model: null }) },
);

function rowArb(kinds: readonly GroupKind[]): fc.Arbitrary<BaseRow> {
  return fc.record({
    groups: fc.tuple(...kinds.map((kind) => nullable(groupCellArbs[kind], NULL_CELL))),
    x: nullable(
      fc.oneof(fc.bigInt({ min: -5n, max: 5n }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
      null,
    ),
    y: yArb,
    z: nullable(fc.constantFrom('p', 'q'), null),
  });
}

function groupKeyOf(row: BaseRow): string {
  // Model equality: NaN groups with NaN and -0 with 0, as in PostgreSQL.
  return JSON.stringify(
    row.groups.map((c) => (c.model === null ? null : Object.is(c.model, -0) ? '0' : String(c.model))),
  );
}

function roundedQuotient(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (2n * n + d) / (2n * d);
  return negative ? -q : q;
}

function scaleOf(raw: string): number {
  return raw.split('.')[1]?.length ?? 0;
}

/** The first cell whose model is strictly better than all earlier ones (PostgreSQL keeps the first of ties). */
function extreme(cells: Cell[], better: (a: bigint, b: bigint) => boolean): unknown {
  let best: Cell | undefined;
  for (const cell of cells) if (!best || better(cell.model as bigint, best.model as bigint)) best = cell;
  return best ? best.raw : null;
}

/** One output row (with the 4 hidden helper columns last) for the rows of one group. */
function aggregateGroup(groupValues: unknown[], rows: BaseRow[]): unknown[] {
  const xs = rows.flatMap((r) => (r.x === null ? [] : [r.x]));
  const sumX = xs.reduce((a, b) => a + b, 0n);
  const xCells = xs.map((x): Cell => ({ raw: x.toString(), model: x }));
  const ys = rows.map((r) => r.y).filter((c) => c.raw !== null);
  const finite = ys.filter((c) => c.raw !== 'NaN');
  const hasNaN = finite.length < ys.length;
  const scale = Math.max(0, ...finite.map((c) => scaleOf(String(c.raw))));
  const sumYUnscaled = finite.reduce(
    (a, c) => a + (c.model as bigint) / 10n ** BigInt(MODEL_SCALE - scale),
    0n,
  );
  const sumY = ys.length === 0 ? null : hasNaN ? 'NaN' : printDecimal(sumYUnscaled, scale);
  const avgX =
    xs.length === 0 ? null : printDecimal(roundedQuotient(sumX * 10n ** 16n, BigInt(xs.length)), AVG_SCALE);
  const avgY =
    ys.length === 0
      ? null
      : hasNaN
        ? 'NaN'
        : printDecimal(
            roundedQuotient(sumYUnscaled * 10n ** 16n, BigInt(ys.length) * 10n ** BigInt(scale)),
            AVG_SCALE,
          );
  return [
    ...groupValues,
    String(rows.length),
    String(xs.length),
    xs.length === 0 ? null : sumX.toString(),
    extreme(xCells, (a, b) => a < b),
    extreme(xCells, (a, b) => a > b),
    avgX,
    sumY,
    finite.length > 0 ? extreme(finite, (a, b) => a < b) : ys.length > 0 ? 'NaN' : null,
    hasNaN ? 'NaN' : extreme(finite, (a, b) => a > b),
    avgY,
    rows.find((r) => r.z !== null)?.z ?? null,
    xs.length === 0 ? null : sumX.toString(),
    String(xs.length),
    sumY,
    String(ys.length),
  ];
}

/** GROUP BY over `rows` in first-seen order; without group columns, exactly one row even for no input. */
function aggregate(rows: BaseRow[], groupCount: number): unknown[][] {
  if (groupCount === 0) return [aggregateGroup([], rows)];
  const groups = new Map<string, BaseRow[]>();
  for (const row of rows) {
    const key = groupKeyOf(row);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((group) =>
    aggregateGroup(
      group[0]!.groups.map((c) => c.raw),
      group,
    ),
  );
}

function rolesFor(kinds: readonly GroupKind[]): ColumnRole[] {
  const k = kinds.length;
  return [
    ...kinds.map((kind): ColumnRole => ({ role: 'group', kind })),
    { role: 'count' },
    { role: 'count' },
    { role: 'sum', kind: 'numeric' },
    { role: 'min', kind: 'int8' },
    { role: 'max', kind: 'int8' },
    { role: 'avg', sumIndex: k + 11, countIndex: k + 12 },
    { role: 'sum', kind: 'numeric' },
    { role: 'min', kind: 'numeric' },
    { role: 'max', kind: 'numeric' },
    { role: 'avg', sumIndex: k + 13, countIndex: k + 14 },
    { role: 'any' },
    { role: 'hidden' },
    { role: 'hidden' },
    { role: 'hidden' },
    { role: 'hidden' },
  ];
}

const scenarioArb = fc.uniqueArray(fc.constantFrom(...GROUP_KINDS), { maxLength: 3 }).chain((kinds) =>
  fc.record({
    kinds: fc.constant(kinds),
    rows: fc.array(rowArb(kinds), { maxLength: 30 }),
    shardCount: fc.integer({ min: 1, max: 6 }),
    choices: fc.array(fc.nat(5), { maxLength: 30 }),
  }),
);

describe('reaggregate (property)', () => {
  it('re-aggregating per-shard partials equals aggregating the union', () => {
    fc.assert(
      fc.property(scenarioArb, ({ kinds, rows, shardCount, choices }) => {
        const shards = splitAcross(rows, choices, shardCount);
        const partials = shards.map((shardRows) => aggregate(shardRows, kinds.length));
        // The single database sees the shards' rows in shard order, so "first seen" spellings line up.
        const expected = aggregate(shards.flat(), kinds.length).map((row) => row.slice(0, -4));
        expect(reaggregate(partials, rolesFor(kinds))).toEqual(expected);
      }),
      { numRuns: 600 },
    );
  });
});
