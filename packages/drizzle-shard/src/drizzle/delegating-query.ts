import { entityKind, type Query } from 'drizzle-orm';
import { PgPreparedQuery, type PreparedQueryConfig } from 'drizzle-orm/pg-core';
import type { QueryMetadata } from './node-session.ts';

export type RunPrepared = (
  placeholders: Record<string, unknown>,
  joinsNotNullableMap: Record<string, boolean> | undefined,
) => Promise<unknown>;

/**
 * A prepared statement whose node is chosen each time it runs (a replica for reads, the primary
 * plus bookkeeping for writes), so `.prepare()`d statements follow replica health too.
 */
export class DelegatingPreparedQuery<T extends PreparedQueryConfig> extends PgPreparedQuery<T> {
  static override readonly [entityKind]: string = 'DrizzleShardDelegatingPreparedQuery';
  /** drizzle sets this on select queries after prepareQuery (left joins → nullable objects). */
  joinsNotNullableMap?: Record<string, boolean>;

  constructor(
    query: Query,
    metadata: QueryMetadata,
    private readonly run: RunPrepared,
    private readonly arrayMode: boolean,
  ) {
    super(query, undefined, metadata, undefined);
  }

  execute(placeholderValues: Record<string, unknown> = {}): Promise<T['execute']> {
    return this.run(placeholderValues, this.joinsNotNullableMap) as Promise<T['execute']>;
  }

  all(placeholderValues: Record<string, unknown> = {}): Promise<T['all']> {
    return this.execute(placeholderValues) as Promise<T['all']>;
  }

  isResponseInArrayMode(): boolean {
    return this.arrayMode;
  }
}
