import { FanoutMergeError } from './errors.ts';
import type { ResultCast } from './result-cast.ts';
import { VALUE_KINDS, type ValueKind } from './value-kind.ts';

/**
 * What a column of a per-shard partial-aggregate row is, and so how to combine it across shards.
 * - `group`: a GROUP BY key; rows with equal keys (PostgreSQL equality) are combined.
 * - `count`: partial counts, summed exactly; output keeps the input representation
 *   (int8 decimal string stays a string — Drizzle's `count()` maps the raw '42' itself; int4 numbers stay numbers).
 * - `sum`: partial sums, summed (exactly for int8/numeric); null when every partial is null.
 * - `min` / `max`: smallest / largest non-null partial.
 * - `avg`: recomputed as total of column `sumIndex` / total of column `countIndex`; the column's own
 *   per-shard value is ignored because an average of averages is wrong.
 *   With `naturalScale`, the quotient has the scale PostgreSQL's numeric division gives it.
 * - `cast` (count, sum, avg): the cast written after the aggregate, applied to the exact merged value
 *   (a sum then comes from the uncast partial sums in column `exactIndex`); the result has the JS
 *   type of the column's own per-shard values, as one database's answer would.
 * - `hidden`: helper columns (such as the avg's sum and count), dropped from the output.
 * - `any`: a non-aggregated, non-grouped value; the first non-null one wins.
 */
export type ColumnRole =
  | { role: 'group'; kind: ValueKind }
  | { role: 'count'; cast?: ResultCast }
  | { role: 'sum'; kind: ValueKind; exactIndex?: number; cast?: ResultCast }
  | { role: 'min'; kind: ValueKind }
  | { role: 'max'; kind: ValueKind }
  | {
      role: 'avg';
      sumIndex: number;
      countIndex: number;
      scale?: number;
      naturalScale?: boolean;
      cast?: ResultCast;
    }
  | { role: 'hidden' }
  | { role: 'any' };

/** Kinds whose values PostgreSQL's sum() accepts and that this layer can add. */
const SUMMABLE_KINDS: readonly ValueKind[] = ['number', 'int8', 'numeric', 'unknown'];

/** PostgreSQL's avg() of integers prints 16 fraction digits for ordinary magnitudes. */
export const DEFAULT_AVG_SCALE = 16;

function reject(message: string, details: Record<string, unknown>): never {
  throw new FanoutMergeError('FANOUT_MERGE_INVALID_INPUT', message, details);
}

/** Throws FANOUT_MERGE_INVALID_INPUT for roles that cannot be merged; checked once, before any row. */
export function validateRoles(roles: readonly ColumnRole[]): void {
  roles.forEach((role, index) => {
    switch (role.role) {
      case 'group':
      case 'min':
      case 'max':
        if (!VALUE_KINDS.includes(role.kind)) reject(`Column ${index} has unknown kind`, { index, role });
        return;
      case 'sum':
        if (!SUMMABLE_KINDS.includes(role.kind)) {
          reject(`Column ${index}: cannot sum values of kind '${role.kind}'`, { index, role });
        }
        return;
      case 'avg': {
        const inRange = (i: number) => Number.isInteger(i) && i >= 0 && i < roles.length;
        if (!inRange(role.sumIndex) || !inRange(role.countIndex)) {
          reject(`Column ${index}: avg sumIndex/countIndex must address columns of the row`, { index, role });
        }
        const scale = role.scale ?? DEFAULT_AVG_SCALE;
        if (!Number.isInteger(scale) || scale < 0) {
          reject(`Column ${index}: avg scale must be a non-negative integer`, { index, role });
        }
        return;
      }
      case 'count':
      case 'hidden':
      case 'any':
        return;
      default:
        reject(`Column ${index} has an unknown role`, { index, role });
    }
  });
}
