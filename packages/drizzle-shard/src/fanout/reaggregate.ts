import { type Accumulator, createAccumulator } from './accumulators.ts';
import { type ColumnRole, validateRoles } from './column-role.ts';
import { FanoutMergeError } from './errors.ts';
import { groupKey } from './group-key.ts';

export type { ColumnRole } from './column-role.ts';
export { DEFAULT_AVG_SCALE } from './column-role.ts';

/**
 * Combines per-shard partial aggregates into the rows one unsharded database would return.
 * Each shard ran the same aggregate query (with AVG rewritten to hidden SUM and COUNT columns);
 * `roles` says what each column is. Output rows keep the order of `roles` minus hidden columns.
 *
 * With GROUP BY (at least one `group` role) there is one output row per distinct key across all
 * shards, in first-seen order (shard 0 first) — apply ORDER BY/LIMIT afterwards, e.g. by sorting
 * with `compareRows`. Keys match by PostgreSQL equality, not spelling ('1.0' = '1.00').
 * Without GROUP BY the result is exactly one row, even for no input (count '0', everything else null).
 *
 * @example
 * reaggregate([[['a', '2']], [['a', '3'], ['b', '1']]], [{ role: 'group', kind: 'text' }, { role: 'count' }])
 * // → [['a', '5'], ['b', '1']]
 */
export function reaggregate(
  perShard: readonly (readonly unknown[][])[],
  roles: readonly ColumnRole[],
): unknown[][] {
  validateRoles(roles);
  const groupColumns = roles.flatMap((role, index) =>
    role.role === 'group' ? [{ index, kind: role.kind }] : [],
  );
  const newGroup = () => roles.map((role, index) => createAccumulator(role, index));
  // A Map iterates in insertion order, which gives the documented first-seen output order.
  const groups = new Map<string, (Accumulator | undefined)[]>();
  perShard.forEach((rows, shard) => {
    rows.forEach((row, position) => {
      if (row.length !== roles.length) {
        throw new FanoutMergeError(
          'FANOUT_MERGE_INVALID_INPUT',
          `Row ${position} of shard ${shard} has ${row.length} columns but ${roles.length} roles were given.`,
          { shard, position, columns: row.length, roles: roles.length },
        );
      }
      const key = groupKey(row, groupColumns);
      let accumulators = groups.get(key);
      if (!accumulators) {
        accumulators = newGroup();
        groups.set(key, accumulators);
      }
      for (const accumulator of accumulators) accumulator?.add(row);
    });
  });
  if (groupColumns.length === 0 && groups.size === 0) groups.set('[]', newGroup());
  return [...groups.values()].map((accumulators) =>
    accumulators.flatMap((accumulator) => (accumulator ? [accumulator.result()] : [])),
  );
}
