import { type ColumnRole, DEFAULT_AVG_SCALE } from './column-role.ts';
import { addDecimal, divideDecimal, toDecimalText } from './decimal.ts';
import { FanoutMergeError } from './errors.ts';
import { divisionScale, presentAs } from './result-cast.ts';
import { compareValues, type ValueKind } from './value-kind.ts';

/** Folds one column of partial-aggregate rows (all rows of one group) into the final value. */
export interface Accumulator {
  add(row: readonly unknown[]): void;
  result(): unknown;
}

type Total = number | bigint | string;

function isNull(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

function toCount(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) return BigInt(value);
  throw new FanoutMergeError('FANOUT_MERGE_INVALID_INPUT', `Not a count: ${String(value)}`, { value });
}

/** Adds a partial sum; float kinds add as JS numbers (like float8 sum), exact kinds as decimals. */
function addToTotal(total: Total | null, value: unknown, kind: ValueKind): Total {
  // A JS number is a float (or a sum cast to one): added as PostgreSQL adds float8.
  if (kind === 'number' || (typeof value === 'number' && (total === null || typeof total === 'number')))
    return (total === null ? 0 : Number(total)) + Number(value);
  if (kind === 'unknown') {
    // Runtime types decide: float partials stay floats, bigint partials stay bigints.
    if (total === null && (typeof value === 'number' || typeof value === 'bigint')) return value;
    if (typeof total === 'number' && typeof value === 'number') return total + value;
    if (typeof total === 'bigint' && typeof value === 'bigint') return total + value;
  }
  const text = toDecimalText(value);
  return total === null ? text : addDecimal(toDecimalText(total), text);
}

function countAccumulator(index: number): Accumulator & { total(): bigint } {
  let total = 0n;
  let representation: 'string' | 'number' | 'bigint' = 'string';
  let seen = false;
  return {
    add(row) {
      const value = row[index];
      if (isNull(value)) return;
      if (!seen) {
        // The first partial decides the output type, so the total prints like a single shard's count.
        representation =
          typeof value === 'number' ? 'number' : typeof value === 'bigint' ? 'bigint' : 'string';
        seen = true;
      }
      total += toCount(value);
    },
    result() {
      if (representation === 'number') return Number(total);
      return representation === 'bigint' ? total : total.toString();
    },
    total: () => total,
  };
}

function sumAccumulator(index: number, kind: ValueKind): Accumulator & { result(): Total | null } {
  let total: Total | null = null;
  let bigints = false;
  return {
    add(row) {
      const value = row[index];
      if (isNull(value)) return;
      if (total === null) bigints = typeof value === 'bigint';
      total = addToTotal(total, value, kind);
    },
    // Partials the driver gave as bigints (its int8 type set to BigInt): so is the total.
    result: () => (bigints && typeof total === 'string' ? BigInt(total) : total),
  };
}

function extremeAccumulator(index: number, kind: ValueKind, wantMax: boolean): Accumulator {
  let best: unknown = null;
  return {
    add(row) {
      const value = row[index];
      if (isNull(value)) return;
      if (best === null) best = value;
      else if (compareValues(value, best, kind) * (wantMax ? 1 : -1) > 0) best = value;
    },
    result: () => best,
  };
}

/** The first non-null value of column `index`: the JS type one shard gave the column. */
function sampleOf(index: number): Accumulator {
  return firstAccumulator(index, true);
}

function avgAccumulator(role: Extract<ColumnRole, { role: 'avg' }>, index: number): Accumulator {
  const sum = sumAccumulator(role.sumIndex, 'unknown');
  const count = countAccumulator(role.countIndex);
  const sample = sampleOf(index);
  return {
    add(row) {
      sum.add(row);
      count.add(row);
      sample.add(row);
    },
    result() {
      const total = sum.result();
      const n = count.total();
      if (n === 0n || total === null) return null;
      // float8 partial sums: PostgreSQL's avg(float8) is float8, so stay in floating point.
      if (typeof total === 'number') return presentAs(total / Number(n), role.cast, sample.result());
      const text = toDecimalText(total);
      const scale = role.naturalScale ? divisionScale(text, n.toString()) : (role.scale ?? DEFAULT_AVG_SCALE);
      const exact = divideDecimal(text, n.toString(), scale);
      return role.cast || role.naturalScale ? presentAs(exact, role.cast, sample.result()) : exact;
    },
  };
}

/** A sum or count written with a cast: the exact total (of uncast partial sums), then the cast. */
function castSumAccumulator(
  role: Extract<ColumnRole, { role: 'sum' | 'count' }>,
  index: number,
): Accumulator {
  // A cast count's partials are whole numbers in the cast's spelling ('3.00', 3): added exactly.
  const exact = sumAccumulator(role.role === 'sum' ? (role.exactIndex ?? index) : index, 'unknown');
  const sample = sampleOf(index);
  return {
    add(row) {
      exact.add(row);
      sample.add(row);
    },
    result() {
      // A count is never null: no rows count 0.
      const total = exact.result() ?? (role.role === 'count' ? '0' : null);
      if (total === null) return null;
      return presentAs(typeof total === 'number' ? total : toDecimalText(total), role.cast, sample.result());
    },
  };
}

function firstAccumulator(index: number, skipNulls: boolean): Accumulator {
  let value: unknown = null;
  let seen = false;
  return {
    add(row) {
      const candidate = row[index];
      if (seen || (skipNulls && isNull(candidate))) return;
      value = candidate ?? null;
      seen = true;
    },
    result: () => value,
  };
}

/** The accumulator for column `index` playing `role`, or undefined for hidden columns. */
export function createAccumulator(role: ColumnRole, index: number): Accumulator | undefined {
  switch (role.role) {
    case 'group':
      // Every row of a group has an equal key; keep the first spelling seen.
      return firstAccumulator(index, false);
    case 'any':
      return firstAccumulator(index, true);
    case 'count':
      return role.cast ? castSumAccumulator(role, index) : countAccumulator(index);
    case 'sum':
      return role.cast ? castSumAccumulator(role, index) : sumAccumulator(index, role.kind);
    case 'min':
      return extremeAccumulator(index, role.kind, false);
    case 'max':
      return extremeAccumulator(index, role.kind, true);
    case 'avg':
      return avgAccumulator(role, index);
    case 'hidden':
      return undefined;
  }
}
