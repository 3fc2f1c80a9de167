import { entityKind } from 'drizzle-orm';
import type { PreparedQueryConfig } from 'drizzle-orm/pg-core';
import { PostgresJsPreparedQuery } from 'drizzle-orm/postgres-js';
import { redactError } from '../redact-error.ts';
import { schemaEpoch } from './statement-cache.ts';

/** What a node's statement does besides drizzle's own execution. */
export interface NodeStatementOptions {
  /** Keep parameter values in errors (the db's `debug.parameters`). */
  readonly showParameters: boolean;
  /** A raw statement that may be DDL: once it has run, cached statements are prepared anew. */
  readonly changesSchema: boolean;
}

const DEFAULTS: NodeStatementOptions = Object.freeze({ showParameters: false, changesSchema: false });

const redactHidden = (error: unknown): never => {
  throw redactError(error, false);
};
const redactShown = (error: unknown): never => {
  throw redactError(error, true);
};
const bumpEpoch = (): void => schemaEpoch.bump();

/**
 * drizzle's own postgres.js prepared query, run on one node. Its errors carry no parameter
 * values (row data, keys): the same redaction as routed and fan-out statements, so shard-bound
 * dbs and transactions match them. A statement that may change the schema bumps the schema
 * epoch when it settles (see `statement-cache.ts`).
 */
export class NodePreparedQuery<T extends PreparedQueryConfig> extends PostgresJsPreparedQuery<T> {
  static override readonly [entityKind]: string = 'DrizzleShardNodePreparedQuery';
  /** Set after construction (by `NodeSession`), like drizzle's own fields. */
  statementOptions: NodeStatementOptions = DEFAULTS;

  override execute(placeholderValues: Record<string, unknown> = {}): Promise<T['execute']> {
    const { showParameters, changesSchema } = this.statementOptions;
    const result = super.execute(placeholderValues).catch(showParameters ? redactShown : redactHidden);
    return changesSchema ? result.finally(bumpEpoch) : result;
  }
}
