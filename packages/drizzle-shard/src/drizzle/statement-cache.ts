import type { Sql } from 'postgres';

/**
 * Statement caching (postgres.js `prepare: true`) and schema changes.
 *
 * A statement prepared on a connection keeps the parameter types PostgreSQL inferred when it
 * was prepared; DDL later (from any process) makes the server re-plan it with those old types.
 * That shows up two ways:
 * - an error (the type is gone: XX000 `cache lookup failed for type`; the column's new type does
 *   not accept the old one: 42804; no operator: 42883): the statement had no effect (an error
 *   rolls back the whole autocommit statement), so it is run again unprepared, as plain drizzle
 *   runs it, and that answer is returned;
 * - a silently different value (a `timestamp` parameter stored into a column now `timestamptz`
 *   drops the offset). No error says so; the only protection is preparing again after DDL. DDL
 *   this process sends through any drizzle-shard db bumps {@link schemaEpoch}, and every cached
 *   statement text carries the epoch, so the next execution prepares afresh. DDL from another
 *   process is not seen: that is why caching is off by default (see the README).
 */

/** SQLSTATE classes a stale parameter type can cause: data exceptions, type/name errors, internal. */
const STALE_TYPE_CLASSES = new Set(['22', '42', 'XX', '0A', '26']);

let epoch = 0;

/** Counts the DDL this process ran through drizzle-shard dbs (process-wide: any db, any shard). */
export const schemaEpoch = {
  get value(): number {
    return epoch;
  },
  bump(): void {
    epoch++;
  },
};

// A statement built by the app through db.execute / sql`…` / the migrator (never one of
// drizzle's builders) that may change types. False positives only cost a re-prepare.
const DDL_WORD = /\b(create|alter|drop|rename|truncate)\b/i;

/** Whether a raw statement (not built by drizzle's query builders) may change the schema. */
export function mayChangeSchema(sqlText: string): boolean {
  return DDL_WORD.test(sqlText);
}

function isStaleTypeError(error: unknown): boolean {
  const e = error as { name?: unknown; code?: unknown };
  return (
    e?.name === 'PostgresError' && typeof e.code === 'string' && STALE_TYPE_CLASSES.has(e.code.slice(0, 2))
  );
}

type Rows = Awaited<ReturnType<Sql['unsafe']>>;
type PendingQuery = ReturnType<Sql['unsafe']>;

/** The part of a postgres.js query that drizzle's prepared query uses. */
export interface StatementQuery extends PromiseLike<Rows> {
  values(): PromiseLike<unknown[][]>;
}

/** The part of a postgres.js client that drizzle's prepared query uses. */
export interface StatementClient {
  unsafe(query: string, params?: unknown[], options?: { prepare?: boolean }): StatementQuery;
}

/**
 * A cached statement that runs again unprepared when the server refuses it. It hands the
 * caller's callbacks straight to the postgres.js query (one `then`, as a plain `await` of the
 * query does), so the usual path costs one object more than drizzle's own.
 */
class RetryingStatement implements StatementQuery {
  private rawValues = false;

  constructor(
    private readonly client: Sql,
    private readonly query: PendingQuery,
    private readonly text: string,
    private readonly params: unknown[] | undefined,
  ) {}

  values(): PromiseLike<unknown[][]> {
    this.query.values();
    this.rawValues = true;
    return this as PromiseLike<unknown> as PromiseLike<unknown[][]>;
  }

  // biome-ignore lint/suspicious/noThenProperty: drizzle awaits the query itself
  then<A = Rows, B = never>(
    onfulfilled?: ((rows: Rows) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): PromiseLike<A | B> {
    const retry = (error: unknown): PromiseLike<A | B> => {
      if (!isStaleTypeError(error)) return Promise.reject(error).then(undefined, onrejected);
      const again = this.client.unsafe(this.text, this.params as never[], { prepare: false });
      return (this.rawValues ? again.values() : again).then(onfulfilled, onrejected) as PromiseLike<A | B>;
    };
    return this.query.then(onfulfilled, retry) as PromiseLike<A | B>;
  }
}

/**
 * A client whose prepared statements are re-prepared after this process's DDL and run again
 * unprepared when the server refuses them. Only for statements outside a transaction: there an
 * error has already aborted the transaction.
 */
export function cachingClient(client: Sql): StatementClient {
  return {
    unsafe(query, params, options) {
      if (!options?.prepare) return client.unsafe(query, params as never[], options);
      const tagged = epoch === 0 ? query : `${query} /*schema ${epoch}*/`;
      return new RetryingStatement(
        client,
        client.unsafe(tagged, params as never[], { prepare: true }),
        query,
        params,
      );
    },
  };
}
