import { compareRows, mergeSortedRows, reaggregate } from '../fanout/index.ts';
import type { SelectMergePlan } from './select-merge-plan.ts';

/** Per-shard array rows → the rows one database would have returned (visible columns only). */
export function mergeRows(perShard: readonly (readonly unknown[][])[], plan: SelectMergePlan): unknown[][] {
  const visible = plan.fields.length;
  const window = {
    ...(plan.limit !== undefined ? { limit: plan.limit } : {}),
    ...(plan.offset !== undefined ? { offset: plan.offset } : {}),
  };
  if (plan.mode === 'sorted') {
    const merged = mergeSortedRows(perShard as unknown[][][], plan.sortKeys, window);
    // Rows without hidden sort columns are returned as they came: no copy per row.
    return plan.roles.length === visible ? merged : merged.map((row) => row.slice(0, visible));
  }
  let rows: unknown[][] =
    plan.mode === 'aggregate'
      ? reaggregate(perShard as unknown[][][], plan.roles)
      : perShard.flatMap((rs) => rs.map((r) => r.slice(0, visible)));
  if (plan.mode === 'aggregate' && plan.sortKeys.length > 0)
    rows = [...rows].sort((a, b) => compareRows(a, b, plan.sortKeys));
  const start = plan.offset ?? 0;
  return rows.slice(start, plan.limit === undefined ? undefined : start + plan.limit);
}
