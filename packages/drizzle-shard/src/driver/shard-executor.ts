import { runInTransaction, type TwoPhaseWork } from '../drizzle/cross-shard-write.ts';
import type { ShardResults, StatementExecutor } from '../drizzle/routed-query.ts';
import type { ShardSession } from '../drizzle/shard-database.ts';
import type { RoutingValue } from '../drizzle/sql-tokens.ts';
import type { StatementPlan } from '../drizzle/statement-plan.ts';
import { DrizzleShardError, rootMessage } from '../errors.ts';
import { mapWithConcurrency } from '../map-with-concurrency.ts';
import { redactError, redactServerMessage } from '../redact-error.ts';
import type { ResolvedTwoPhaseOptions } from '../reference/two-phase-options.ts';
import { twoPhaseWrite } from '../reference/two-phase-write.ts';
import type { ShardMap } from '../routing/shard-map.ts';
import type { FanoutOptions } from './config.ts';
import type { ShardNode } from './shard-node.ts';

function resolve(value: RoutingValue, placeholders: Record<string, unknown>): unknown {
  if ('value' in value) return value.value;
  if (!(value.placeholder in placeholders)) {
    throw new DrizzleShardError(
      'SHARD_KEY_MISSING',
      `Placeholder "${value.placeholder}" (the shard key) has no value in execute().`,
    );
  }
  return placeholders[value.placeholder];
}

export interface OnShardsOptions {
  /**
   * The answer needs every shard whatever the fan-out policy (a count is one number: without a
   * shard it would be silently wrong). `instead` tells, in the error, what to use for a flagged
   * partial answer.
   */
  readonly requireAll?: { readonly instead: string };
}

/** Decides shards for plans and runs work on them, for the top-level db or a fan-out db. */
export class ShardExecutor implements StatementExecutor {
  private nextAny = 0;

  constructor(
    readonly mode: 'router' | 'fanout',
    private readonly shardMap: ShardMap,
    private readonly nodes: ReadonlyArray<ShardNode<Record<string, unknown>>>,
    private readonly options: FanoutOptions,
    private readonly twoPhase: ResolvedTwoPhaseOptions,
    /** Rejects once two shards turned out to be one server (checked until every shard answered). */
    readonly verified: () => Promise<void>,
    readonly showParameters = false,
  ) {}

  private all(): number[] {
    return this.nodes.map((_, i) => i);
  }

  targets(plan: StatementPlan | undefined, placeholders: Record<string, unknown>): number[] {
    if (!plan) {
      if (this.mode === 'fanout' || this.nodes.length === 1) return this.all();
      throw new DrizzleShardError(
        'RAW_SQL_NEEDS_SHARD',
        'Raw SQL on the top-level db cannot be routed (there is no table or key to read). Use db.shard(key).execute(sql) or db.allShards().execute(sql).',
      );
    }
    const route = plan.route;
    switch (route.kind) {
      case 'keys': {
        const shards = new Set(
          route.values.map((v) => this.shardMap.shardOf(resolve(v, placeholders), route.keyType)),
        );
        return [...shards].sort((a, b) => a - b);
      }
      case 'split':
        return [...route.queries.keys()].sort((a, b) => a - b);
      case 'home':
        return [0];
      case 'any':
        // Reference-only reads: every shard has the rows, so spread them round-robin.
        return [this.nextAny++ % this.nodes.length];
      case 'reference-write':
        return this.all();
      case 'unroutable':
        if (this.mode === 'fanout' && route.error.code === 'SHARD_KEY_MISSING') return this.all();
        // One shard holds every row: the db answers as that one database does (no key needed).
        if (this.nodes.length === 1 && route.error.code !== 'SHARD_KEY_INVALID') return [0];
        throw route.error;
    }
  }

  sessionFor(shard: number): ShardSession {
    return this.nodes[shard]!.session;
  }

  /**
   * Runs `run` on each shard, at most `concurrency` at once. A failure throws `FANOUT_SHARD_FAILED`
   * unless this is an explicit fan-out under the `partial` policy and `requireAll` is not set.
   */
  async onShards<T>(
    shards: readonly number[],
    run: (shard: number) => Promise<T>,
    options: OnShardsOptions = {},
  ): Promise<ShardResults<T>> {
    const limit = Math.max(1, this.options.concurrency ?? shards.length);
    const failed: Array<{ shard: number; error: unknown }> = [];
    const values = await mapWithConcurrency(shards, limit, async (shard): Promise<T | undefined> => {
      try {
        return await run(shard);
      } catch (error) {
        failed.push({ shard, error: redactError(error, this.showParameters) });
        return undefined;
      }
    });
    // The partial policy is for explicit db.allShards() reads; routed statements need every shard.
    const policy =
      this.mode === 'fanout' && !options.requireAll ? (this.options.onShardError ?? 'fail') : 'fail';
    if (failed.length > 0 && policy === 'fail') {
      const first = failed.sort((a, b) => a.shard - b.shard)[0]!;
      throw new DrizzleShardError(
        'FANOUT_SHARD_FAILED',
        `Shard ${first.shard} failed during a query on ${shards.length} shard(s): ${redactServerMessage(rootMessage(first.error))}. ` +
          (options.requireAll?.instead ??
            "Use db.allShards({ onShardError: 'partial' }) to get the other shards' rows flagged as partial."),
        { shards: failed.map((f) => f.shard) },
        { cause: first.error },
      );
    }
    return { values: values.filter((_, i) => !failed.some((f) => f.shard === shards[i])) as T[], failed };
  }

  async writeAcross(work: TwoPhaseWork): Promise<unknown[]> {
    const tracking = work.shards.map((s) => this.nodes[s]!.session.routing).filter((r) => r?.tracksWrites());
    const results = await twoPhaseWrite(
      this.nodes.map((n) => n.client),
      this.shardMap.toJSON().epoch,
      {
        shards: work.shards,
        what: work.what,
        runOn: (shard, tx) => runInTransaction(this.nodes[shard]!.session, tx, shard, work),
      },
      this.twoPhase.stepTimeoutMs,
    );
    await Promise.all(tracking.map((routing) => routing!.afterWrite()));
    return results;
  }
}
