import {
  entityKind,
  getOperators,
  is,
  type Query,
  type QueryWithTypings,
  type SQL,
  sql,
  Table,
} from 'drizzle-orm';
import { PgDialect, type PgDialectConfig } from 'drizzle-orm/pg-core';
import { DrizzleShardError } from '../errors.ts';
import type { ShardMap } from '../routing/shard-map.ts';
import type {
  DeleteConfigView,
  InsertConfigView,
  RelationalConfigView,
  SelectConfigView,
  UpdateConfigView,
} from './internals.ts';
import { columnsOf } from './internals.ts';
import { hasCountWindow, MergeShapeCache } from './merge-shape-cache.ts';
import { routeDelete, routeInsert, routeTables, routeUpdate } from './plan-route.ts';
import { planSelectMerge } from './select-merge-plan.ts';
import { type SelectShape, ShapeCache, ShapedSelect, selectShape } from './select-shape.ts';
import type { Route, StatementPlan } from './statement-plan.ts';

/** `router`: the top-level db; `fanout`: db.allShards(); `bound`: db.shard(key). */
export type RoutingMode = 'router' | 'fanout' | 'bound';

type BuildMethod =
  | 'buildSelectQuery'
  | 'buildInsertQuery'
  | 'buildUpdateQuery'
  | 'buildDeleteQuery'
  | 'buildRelationalQueryWithoutPK';
const base = PgDialect.prototype as unknown as Record<
  BuildMethod | 'sqlToQuery',
  (...args: unknown[]) => unknown
>;

/**
 * A PgDialect that, while drizzle builds a statement from a builder's config, plans where
 * the statement must run. drizzle calls `build*Query(config)`, then `sqlToQuery`, then the
 * session's `prepareQuery` synchronously in one `_prepare()`; the plan made in the first
 * step is handed to the session in the last. Nested builds (subqueries, relational joins)
 * do not replace the outer statement's plan.
 */
export class RoutingDialect extends PgDialect {
  static override readonly [entityKind]: string = 'DrizzleShardRoutingDialect';
  private depth = 0;
  private pending: StatementPlan | undefined;
  private compiled: StatementPlan | undefined;
  /** Compiled texts of plain selects by shape: a repeated shape skips drizzle's build and walk. */
  private readonly shapes = new ShapeCache();
  /** A select being compiled for the first time in its shape, and the SQL built for it. */
  private learning: { readonly shape: SelectShape; readonly sql: SQL } | undefined;
  /** `db.allShards()` selects by shape: the statement and its per-shard merge plan, compiled once. */
  private readonly mergeShapes = new MergeShapeCache();
  private learningMerge:
    | { readonly shape: SelectShape; readonly view: SelectConfigView; readonly sql: SQL }
    | undefined;

  constructor(
    readonly mode: RoutingMode,
    readonly shardMap: ShardMap,
    config?: PgDialectConfig,
  ) {
    super(config);
  }

  /** The plan of the statement compiled last; cleared once taken. */
  takePlan(): StatementPlan | undefined {
    const plan = this.compiled;
    this.compiled = undefined;
    return plan;
  }

  private capture<T>(method: BuildMethod, config: unknown, plan: () => StatementPlan): T {
    this.depth++;
    try {
      if (this.depth === 1) this.pending = plan();
      return base[method]!.call(this, config) as T;
    } finally {
      this.depth--;
    }
  }

  private compile(method: BuildMethod, config: unknown): Query {
    this.depth++;
    try {
      return base.sqlToQuery!.call(this, base[method]!.call(this, config)) as Query;
    } finally {
      this.depth--;
    }
  }

  override sqlToQuery(sql: SQL, invokeSource?: 'indexes'): QueryWithTypings {
    const plan = this.pending;
    this.pending = undefined;
    const learning = this.learning;
    this.learning = undefined;
    const learningMerge = this.learningMerge;
    this.learningMerge = undefined;
    const query =
      sql instanceof ShapedSelect && this.depth === 0
        ? sql.toCachedQuery()
        : (super.sqlToQuery(sql, invokeSource) as QueryWithTypings);
    this.pending = undefined;
    if (this.depth === 0) {
      this.compiled = plan;
      if (learning?.sql === sql) this.shapes.learn(learning.shape, query);
      const merge = plan?.merge;
      if (learningMerge?.sql === sql && merge && !('unsupported' in merge))
        this.mergeShapes.learn(learningMerge.shape, learningMerge.view, query, merge);
    }
    return query;
  }

  override buildSelectQuery(config: Parameters<PgDialect['buildSelectQuery']>[0]): SQL {
    const view = config as unknown as SelectConfigView;
    if (this.mode === 'fanout' && this.depth === 0) return this.buildMergedSelect(config, view);
    const shape = this.depth === 0 && this.mode !== 'fanout' ? selectShape(view) : undefined;
    const entry = shape && this.shapes.get(shape.key);
    let plan: StatementPlan | undefined;
    if (shape && entry) {
      plan = this.planSelect(view);
      if (!plan.merge) {
        this.pending = plan;
        return new ShapedSelect(entry, shape.params, () => base.buildSelectQuery!.call(this, config) as SQL);
      }
    }
    // A cached shape whose keys span shards (a merge plan) is built in full, with the plan made above.
    const built = this.capture<SQL>('buildSelectQuery', config, () => plan ?? this.planSelect(view));
    if (shape && entry === undefined) this.learning = { shape, sql: built };
    return built;
  }

  /** A `db.allShards()` select: a repeated shape takes its statement and merge plan from the cache. */
  private buildMergedSelect(
    config: Parameters<PgDialect['buildSelectQuery']>[0],
    view: SelectConfigView,
  ): SQL {
    const shape = hasCountWindow(view) ? selectShape(view, true) : undefined;
    const entry = shape && this.mergeShapes.get(shape.key);
    if (shape && entry) {
      this.pending = {
        statement: 'select',
        route: routeOfSelect(view),
        write: false,
        merge: this.mergeShapes.planFor(entry, shape, view),
      };
      return new ShapedSelect(
        entry.outer,
        shape.params,
        () => base.buildSelectQuery!.call(this, config) as SQL,
      );
    }
    const built = this.capture<SQL>('buildSelectQuery', config, () => this.planSelect(view));
    if (shape && entry === undefined) this.learningMerge = { shape, view, sql: built };
    return built;
  }

  private planSelect(view: SelectConfigView): StatementPlan {
    const route = routeOfSelect(view);
    const write = view.lockingClause !== undefined;
    const multi = this.mode === 'fanout' || (route.kind === 'keys' && route.values.length > 1);
    if (!multi) return { statement: 'select', route, write };
    const merge = planSelectMerge(
      view,
      (expr) => (base.sqlToQuery!.call(this, sql`${expr}`) as Query).sql,
      (cfg) => this.compile('buildSelectQuery', cfg),
    );
    return { statement: 'select', route, write, merge };
  }

  override buildInsertQuery(config: Parameters<PgDialect['buildInsertQuery']>[0]): SQL {
    const view = config as unknown as InsertConfigView;
    return this.capture('buildInsertQuery', config, () => ({
      statement: 'insert',
      write: true,
      route: routeInsert(view, this.shardMap, (rows) =>
        this.compile('buildInsertQuery', { ...config, values: rows }),
      ),
    }));
  }

  override buildUpdateQuery(config: Parameters<PgDialect['buildUpdateQuery']>[0]): SQL {
    return this.capture('buildUpdateQuery', config, () => ({
      statement: 'update',
      write: true,
      route: routeUpdate(config as unknown as UpdateConfigView),
    }));
  }

  override buildDeleteQuery(config: Parameters<PgDialect['buildDeleteQuery']>[0]): SQL {
    return this.capture('buildDeleteQuery', config, () => ({
      statement: 'delete',
      write: true,
      route: routeDelete(config as unknown as DeleteConfigView),
    }));
  }

  override buildRelationalQueryWithoutPK(
    config: Parameters<PgDialect['buildRelationalQueryWithoutPK']>[0],
  ): ReturnType<PgDialect['buildRelationalQueryWithoutPK']> {
    const view = config as unknown as RelationalConfigView;
    return this.capture('buildRelationalQueryWithoutPK', config, () => {
      const route = routeRelational(view);
      const multi = this.mode === 'fanout' || (route.kind === 'keys' && route.values.length > 1);
      const q = view.queryConfig === true ? {} : (view.queryConfig as Record<string, unknown>);
      const ordered = q.orderBy !== undefined || q.limit !== undefined || q.offset !== undefined;
      if (!multi || !ordered) return { statement: 'relational', write: false, route };
      // Concatenating per-shard pages would be wrong; the core builder merges these correctly.
      const unsupported = new DrizzleShardError(
        'FANOUT_UNSUPPORTED',
        'A relational query (db.query.*) with orderBy/limit/offset on several shards cannot be merged; pin the key, or use db.allShards().select()… which merges ORDER BY + LIMIT.',
      );
      return { statement: 'relational', write: false, route, merge: { unsupported } };
    });
  }
}

function routeOfSelect(view: SelectConfigView): Route {
  return routeTables(
    [view.table, ...(view.joins ?? []).map((j) => j.table)],
    view.where,
    (view.joins ?? []).map((j) => j.on),
  );
}

/** `db.query.orders.findMany({ where })`: the where callback sees the table's own columns here. */
function routeRelational(view: RelationalConfigView): Route {
  const where = view.queryConfig === true ? undefined : view.queryConfig.where;
  let condition: SQL | undefined;
  if (typeof where === 'function') {
    condition = (where as (fields: unknown, ops: unknown) => SQL | undefined)(
      columnsOf(view.table),
      getOperators(),
    );
  } else if (where !== undefined) {
    condition = where as SQL;
  }
  if (!is(view.table, Table)) {
    return {
      kind: 'unroutable',
      error: new DrizzleShardError('FANOUT_UNSUPPORTED', 'Relational query on a non-table.'),
    };
  }
  return routeTables([view.table], condition, []);
}
