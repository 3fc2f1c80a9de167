import type { QueryWithTypings } from 'drizzle-orm';
import type { SelectConfigView } from './internals.ts';
import type { SelectMergePlan } from './select-merge-plan.ts';
import type { SelectShape, ShapeEntry } from './select-shape.ts';

/** A merged select compiled once: the statement as written and the plan each shard runs. */
export interface MergeShapeEntry {
  readonly outer: ShapeEntry;
  readonly plan: SelectMergePlan;
}

/** LIMIT and OFFSET of a select whose shape is cached (both numbers or absent: see `selectShape`). */
function windowOf(view: SelectConfigView): { limit?: number; offset?: number } {
  const limit = typeof view.limit === 'number' ? view.limit : undefined;
  const offset = typeof view.offset === 'number' ? view.offset : undefined;
  return { ...(limit !== undefined ? { limit } : {}), ...(offset !== undefined ? { offset } : {}) };
}

/**
 * Whether LIMIT and OFFSET are absent or counts (a negative one changes which clauses drizzle
 * writes from call to call: such selects are compiled every time).
 */
export function hasCountWindow(view: SelectConfigView): boolean {
  const count = (n: unknown) => n === undefined || (typeof n === 'number' && n >= 0);
  return count(view.limit) && count(view.offset);
}

/**
 * The parameters each shard binds: the statement's own (where, order by) with LIMIT replaced by
 * limit + offset and OFFSET dropped, in the order `planSelectMerge` compiles them.
 */
function shardParams(shape: SelectShape, view: SelectConfigView): unknown[] {
  const { limit, offset } = windowOf(view);
  const trailing = (limit !== undefined && limit >= 0 ? 1 : 0) + (offset ? 1 : 0);
  const own = shape.params.slice(0, shape.params.length - trailing);
  return limit === undefined ? own : [...own, limit + (offset ?? 0)];
}

/**
 * Compiled merged selects of `db.allShards()` by shape (`selectShape(view, true)`), so a repeated
 * shape skips drizzle's two builds (the statement and the per-shard one) and the merge planning.
 * A shape is served only if drizzle's first compilation bound exactly the parameters derived
 * from the shape, for the statement and the shard query; otherwise it is remembered as `null`.
 * Bounded: the oldest shape is dropped first.
 */
export class MergeShapeCache {
  private readonly entries = new Map<string, MergeShapeEntry | null>();

  constructor(private readonly limit = 500) {}

  get(key: string): MergeShapeEntry | null | undefined {
    return this.entries.get(key);
  }

  /** The merge plan of a cached shape for this call's parameters, LIMIT and OFFSET. */
  planFor(entry: MergeShapeEntry, shape: SelectShape, view: SelectConfigView): SelectMergePlan {
    const { limit: _limit, offset: _offset, ...plan } = entry.plan;
    return {
      ...plan,
      query: { ...entry.plan.query, params: shardParams(shape, view) },
      ...windowOf(view),
    };
  }

  learn(shape: SelectShape, view: SelectConfigView, outer: QueryWithTypings, plan: SelectMergePlan): void {
    const same = (a: readonly unknown[], b: readonly unknown[]) =>
      a.length === b.length && a.every((p, i) => Object.is(p, b[i]));
    const exact = same(outer.params, shape.params) && same(plan.query.params, shardParams(shape, view));
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(
      shape.key,
      exact
        ? { outer: { sql: outer.sql, typings: outer.typings, paramCount: outer.params.length }, plan }
        : null,
    );
  }
}
