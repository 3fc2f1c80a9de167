import { entityKind, fillPlaceholders, type Query } from 'drizzle-orm';
import { PgPreparedQuery, type PreparedQueryConfig } from 'drizzle-orm/pg-core';
import { DrizzleShardError } from '../errors.ts';
import { withFanoutInfo } from '../fanout/fanout-info.ts';
import { redactError } from '../redact-error.ts';
import type { TwoPhaseWork } from './cross-shard-write.ts';
import { mapResultRow } from './internals.ts';
import { mergeRows } from './merge-results.ts';
import type { NodeSession, PreparedArgs } from './node-session.ts';
import type { SelectMergePlan } from './select-merge-plan.ts';
import type { StatementPlan } from './statement-plan.ts';

/** What the router needs from the driver: where a plan runs, and a node session per shard. */
export interface StatementExecutor {
  readonly mode: 'router' | 'fanout';
  /** Shards the plan must run on, in ascending order (placeholders filled); throws when unroutable. */
  targets(plan: StatementPlan | undefined, placeholders: Record<string, unknown>): number[];
  /** The session a statement of this plan uses on `shard` (primary for writes). */
  sessionFor(shard: number, plan: StatementPlan | undefined): NodeSession<Record<string, unknown>, never>;
  /** Runs `run` on each shard with the fan-out concurrency limit and failure policy. */
  onShards<T>(shards: readonly number[], run: (shard: number) => Promise<T>): Promise<ShardResults<T>>;
  /** Keep parameter values in errors (the db's `debug.parameters`); default false. */
  readonly showParameters: boolean;
  /** Resolves when the shards are known to be distinct servers; rejects with `CONFIG_INVALID` otherwise. */
  verified(): Promise<void>;
  /** Applies a write on several shards atomically (two-phase commit); each shard's result, in order. */
  writeAcross(work: TwoPhaseWork): Promise<unknown[]>;
}

/** Per-shard outcomes: values of the shards that answered, and (under the `partial` policy) the failures. */
export interface ShardResults<T> {
  readonly values: T[];
  readonly failed: ReadonlyArray<{ readonly shard: number; readonly error: unknown }>;
}

/**
 * A statement built on the top-level db (or `db.allShards()`): decides its shards when run,
 * then runs drizzle's own postgres.js prepared query on each and merges the results.
 */
export class RoutedPreparedQuery<T extends PreparedQueryConfig> extends PgPreparedQuery<T> {
  static override readonly [entityKind]: string = 'DrizzleShardRoutedPreparedQuery';
  /** drizzle sets this on select queries after prepareQuery (left joins → nullable objects). */
  joinsNotNullableMap?: Record<string, boolean>;

  constructor(
    private readonly executor: StatementExecutor,
    private readonly plan: StatementPlan | undefined,
    private readonly compiled: Query,
    private readonly args: PreparedArgs,
  ) {
    super(compiled, undefined, args.metadata, undefined);
  }

  async execute(placeholderValues: Record<string, unknown> = {}): Promise<T['execute']> {
    try {
      return await this.run(placeholderValues);
    } catch (error) {
      // Parameter values (row data, keys) stay out of messages, causes and inspected errors.
      throw redactError(error, this.executor.showParameters);
    }
  }

  private async run(placeholderValues: Record<string, unknown>): Promise<T['execute']> {
    const { plan, executor } = this;
    const shards = executor.targets(plan, placeholderValues);
    await executor.verified();
    if (plan?.route.kind === 'reference-write') {
      const [first] = await executor.writeAcross(
        this.work(plan, shards, placeholderValues, 'A reference-table write'),
      );
      return first as T['execute'];
    }
    if (plan && isWrite(plan) && (shards.length > 1 || plan.route.kind === 'split')) {
      // All-or-nothing: a write whose rows live on several shards commits on all of them or none.
      const results = await executor.writeAcross(
        this.work(plan, shards, placeholderValues, `A ${plan.statement} spanning shards`),
      );
      return concatResults(results) as T['execute'];
    }
    const merge = plan?.merge;
    if (
      shards.length === 1 &&
      plan?.route.kind !== 'split' &&
      !(merge && executor.mode === 'fanout' && !('unsupported' in merge))
    ) {
      return this.runOn(shards[0]!, this.compiled, placeholderValues);
    }
    if (merge && 'unsupported' in merge) throw merge.unsupported;
    if (merge) return this.mergeSelect(shards, merge, placeholderValues) as Promise<T['execute']>;
    if (plan?.statement === 'relational' && !this.args.mapper) {
      throw new DrizzleShardError(
        'FANOUT_UNSUPPORTED',
        'findFirst() across several shards has no single answer; pin the shard key.',
      );
    }
    const results = await executor.onShards(shards, (shard) => {
      const query = plan?.route.kind === 'split' ? plan.route.queries.get(shard)! : this.compiled;
      return this.runOn(shard, query, placeholderValues);
    });
    return withFanoutInfo(concatResults(results.values), results.failed) as T['execute'];
  }

  /** A write on several shards at once (built only for those, not for every statement). */
  private work(
    plan: StatementPlan,
    shards: number[],
    placeholders: Record<string, unknown>,
    what: string,
  ): TwoPhaseWork {
    return {
      args: this.args,
      placeholders,
      queryFor: (shard: number) =>
        (plan.route.kind === 'split' && plan.route.queries.get(shard)) || this.compiled,
      shards,
      what,
    };
  }

  private runOn(shard: number, query: Query, placeholders: Record<string, unknown>): Promise<T['execute']> {
    const prepared = this.executor
      .sessionFor(shard, this.plan)
      .prepareChecked<T>(query, this.args, this.plan) as PgPreparedQuery<T> & {
      joinsNotNullableMap?: Record<string, boolean>;
    };
    prepared.joinsNotNullableMap = this.joinsNotNullableMap;
    return prepared.execute(placeholders);
  }

  private async mergeSelect(
    shards: readonly number[],
    merge: SelectMergePlan,
    placeholders: Record<string, unknown>,
  ) {
    const params = fillPlaceholders(merge.query.params, placeholders);
    const perShard = await this.executor.onShards(shards, (shard) =>
      this.executor.sessionFor(shard, this.plan).rawArrays(merge.query, params, this.plan),
    );
    const rows = mergeRows(perShard.values, merge).map((row) =>
      mapResultRow(merge.fields, row, this.joinsNotNullableMap),
    );
    return withFanoutInfo(rows, perShard.failed);
  }

  async all(placeholderValues: Record<string, unknown> = {}): Promise<T['all']> {
    return this.execute(placeholderValues) as Promise<T['all']>;
  }

  isResponseInArrayMode(): boolean {
    return this.args.arrayMode;
  }
}

function isWrite(plan: StatementPlan): boolean {
  return plan.statement === 'insert' || plan.statement === 'update' || plan.statement === 'delete';
}

/** Results of the same statement on several shards as one: rows concatenated, counts summed. */
export function concatResults(results: readonly unknown[]): unknown {
  const rows = results.flatMap((r) => (Array.isArray(r) ? r : []));
  const counts = results
    .map((r) => (r as { count?: unknown }).count)
    .filter((c): c is number => typeof c === 'number');
  if (counts.length > 0)
    Object.defineProperty(rows, 'count', { value: counts.reduce((a, b) => a + b, 0), enumerable: false });
  return rows;
}
