import { Column, is, type Query, SQL, sql } from 'drizzle-orm';
import { DrizzleShardError } from '../errors.ts';
import type { ColumnRole } from '../fanout/reaggregate.ts';
import type { SortKey } from '../fanout/sorted-merge.ts';
import { type OrderedField, orderSelectedFields, type SelectConfigView } from './internals.ts';
import { tokensOf } from './sql-tokens.ts';
import { aggregateCastOf, aggregateOf, expressionOf, kindOfField } from './value-kinds.ts';

/**
 * How rows from several shards become the one result a single database would return.
 * Per-shard rows are arrays: the original fields, then hidden helper columns.
 */
export interface SelectMergePlan {
  /** The statement each shard runs: helper columns added, LIMIT pushed down as limit + offset. */
  readonly query: Query;
  readonly fields: OrderedField[];
  readonly mode: 'concat' | 'sorted' | 'aggregate';
  readonly sortKeys: readonly SortKey[];
  readonly roles: readonly ColumnRole[];
  readonly limit?: number;
  readonly offset?: number;
}

interface OrderItem {
  readonly expr: unknown;
  readonly direction: 'asc' | 'desc';
  readonly nulls?: 'first' | 'last';
}

function orderItem(item: unknown): OrderItem {
  if (!is(item, SQL)) return { expr: item, direction: 'asc' };
  const tokens = tokensOf(item);
  const [head, tail] = tokens;
  if (tokens.length === 2 && head && head.t !== 'text' && tail?.t === 'text') {
    const m = /^(asc|desc)?\s*(?:nulls (first|last))?$/.exec(tail.s);
    if (m) {
      const expr = head.t === 'column' ? head.column : head.t === 'sql' ? head.sql : item;
      return {
        expr,
        direction: (m[1] as 'asc' | 'desc' | undefined) ?? 'asc',
        ...(m[2] ? { nulls: m[2] as 'first' | 'last' } : {}),
      };
    }
  }
  return { expr: item, direction: 'asc' };
}

function isFloatColumn(expr: unknown): boolean {
  return is(expr, Column) && /^(real|double precision)/.test(expr.getSQLType().toLowerCase());
}

function unsupported(what: string): { unsupported: DrizzleShardError } {
  return {
    unsupported: new DrizzleShardError(
      'FANOUT_UNSUPPORTED',
      `A query that runs on several shards cannot use ${what}: the merged result would differ from one database's. Pin the shard key, or restructure the query.`,
      { what },
    ),
  };
}

/**
 * Plans the merge of a select that runs on several shards, and compiles the per-shard
 * statement with `compile` (the dialect's own select builder).
 */
export function planSelectMerge(
  config: SelectConfigView,
  render: (expr: unknown) => string,
  compile: (config: SelectConfigView) => Query,
): SelectMergePlan | { unsupported: DrizzleShardError } {
  if (config.setOperators?.length) return unsupported('UNION/INTERSECT/EXCEPT');
  if (config.distinct) return unsupported('DISTINCT');
  if (config.having) return unsupported('HAVING');
  if (config.lockingClause) return unsupported('FOR UPDATE/SHARE');
  const { limit, offset } = config;
  if (
    (limit !== undefined && typeof limit !== 'number') ||
    (offset !== undefined && typeof offset !== 'number')
  ) {
    return unsupported('a placeholder in LIMIT/OFFSET');
  }
  const fields = config.fieldsFlat ?? orderSelectedFields(config.fields);
  const same = (a: unknown, b: unknown) =>
    a === b ||
    (is(a, Column) && is(b, Column) ? a.table === b.table && a.name === b.name : render(a) === render(b));
  const positionOf = (expr: unknown) => fields.findIndex((f) => same(expressionOf(f.field), expr));

  const groupBy = config.groupBy ?? [];
  const aggregating = groupBy.length > 0 || fields.some((f) => aggregateOf(f.field));
  const hidden: Record<string, unknown> = {};
  let badCast = false;
  const roles: ColumnRole[] = fields.map((f) => {
    const agg = aggregateOf(f.field);
    if (!agg) {
      const grouped = groupBy.some((g) => same(g, expressionOf(f.field)));
      return grouped ? { role: 'group', kind: kindOfField(f.field) } : { role: 'any' };
    }
    // min/max are one shard's own values, cast or not.
    const cast = agg.kind === 'min' || agg.kind === 'max' ? undefined : aggregateCastOf(f.field);
    if (agg.kind === 'count') {
      if (cast === 'unsupported') badCast = true;
      return cast && cast !== 'unsupported' ? { role: 'count', cast } : { role: 'count' };
    }
    // A float rounded by a cast follows float rules (half to even), not numeric ones: not merged.
    const floatRounded =
      cast && cast !== 'unsupported' && cast.scale !== undefined && isFloatColumn(agg.argument);
    if (cast === 'unsupported' || (cast && !agg.argument) || floatRounded) {
      badCast = true;
      return { role: 'any' };
    }
    const base = fields.length + Object.keys(hidden).length;
    if (agg.kind === 'avg') {
      if (!agg.argument) return { role: 'any' };
      hidden[`__ds_avg_sum_${base}`] = sql`sum(${agg.argument})`;
      hidden[`__ds_avg_count_${base}`] = sql`count(${agg.argument})`;
      return {
        role: 'avg',
        sumIndex: base,
        countIndex: base + 1,
        naturalScale: true,
        ...(cast ? { cast } : {}),
      };
    }
    if (agg.kind === 'sum' && cast) {
      // Partial sums already cast (rounded) would not add up to the cast of the total.
      hidden[`__ds_sum_${base}`] = sql`sum(${agg.argument})`;
      return { role: 'sum', kind: 'unknown', exactIndex: base, cast };
    }
    return { role: agg.kind, kind: kindOfField(f.field) };
  });
  if (badCast)
    return unsupported('a cast of an aggregate other than count/sum/avg(column)::int/float/numeric');
  if (aggregating && roles.some((r) => r.role === 'any' && aggregateOf(fields[roles.indexOf(r)]?.field))) {
    return unsupported('AVG over an expression (only avg(column) is re-aggregated)');
  }

  const sortKeys: SortKey[] = [];
  for (const [i, item] of (config.orderBy ?? []).map(orderItem).entries()) {
    let index = positionOf(item.expr);
    if (index < 0) {
      if (aggregating)
        return unsupported('ORDER BY an expression that is not selected (in an aggregate query)');
      index = fields.length + Object.keys(hidden).length;
      hidden[`__ds_sort_${i}`] = item.expr;
    }
    sortKeys.push({
      index,
      direction: item.direction,
      kind: kindOfField(item.expr),
      ...(item.nulls ? { nulls: item.nulls } : {}),
    });
  }
  for (let i = 0; i < Object.keys(hidden).length; i++) roles.push({ role: 'hidden' });

  const shardFields = { ...config.fields, ...hidden };
  const pushedLimit = aggregating || limit === undefined ? undefined : limit + (offset ?? 0);
  const query = compile({
    ...config,
    fields: shardFields,
    fieldsFlat: orderSelectedFields(shardFields),
    limit: pushedLimit,
    offset: undefined,
  });
  const mode = aggregating ? 'aggregate' : sortKeys.length > 0 ? 'sorted' : 'concat';
  return {
    query,
    fields,
    mode,
    sortKeys,
    roles,
    ...(limit !== undefined ? { limit } : {}),
    ...(offset !== undefined ? { offset } : {}),
  };
}
