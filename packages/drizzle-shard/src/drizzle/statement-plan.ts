import type { Query } from 'drizzle-orm';
import type { DrizzleShardError } from '../errors.ts';
import type { ShardKeyType } from '../schema/annotations.ts';
import type { SelectMergePlan } from './select-merge-plan.ts';
import type { RoutingValue } from './sql-tokens.ts';

/** Where a statement must run, decided from drizzle's query objects (never from SQL text). */
export type Route =
  /** Sharded table pinned by key values (one or several shards, known once placeholders are filled). */
  | {
      readonly kind: 'keys';
      readonly table: string;
      readonly keyColumn: string;
      readonly keyType: ShardKeyType;
      readonly values: readonly RoutingValue[];
    }
  /** A multi-row insert already split: one query per shard. */
  | { readonly kind: 'split'; readonly table: string; readonly queries: ReadonlyMap<number, Query> }
  /**
   * Only unsharded tables: the home shard (0). `table` names one when the statement is known to
   * use an unsharded table (not only subqueries, CTEs or table functions).
   */
  | { readonly kind: 'home'; readonly table?: string }
  /** Only reference tables, read: any shard has them. */
  | { readonly kind: 'any' }
  /** A write to a reference table: every shard, atomically. */
  | { readonly kind: 'reference-write'; readonly table: string }
  /** No shard can be chosen; the error says why (thrown at execute time, before any I/O). */
  | { readonly kind: 'unroutable'; readonly error: DrizzleShardError };

export type StatementKind = 'select' | 'insert' | 'update' | 'delete' | 'relational';

/** Everything the sessions need to execute a statement built by drizzle. */
export interface StatementPlan {
  readonly statement: StatementKind;
  readonly route: Route;
  /** For selects that may run on several shards: how to merge, and the rewritten per-shard query. */
  readonly merge?: SelectMergePlan | { readonly unsupported: DrizzleShardError };
  /** Whether the statement must run on a primary (writes, FOR UPDATE/SHARE). */
  readonly write: boolean;
}
