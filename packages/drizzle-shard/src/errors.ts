import { redactText } from './redact.ts';

/** Every stable error code drizzle-shard throws. Codes never change meaning once published. */
export type DrizzleShardErrorCode =
  | 'SHARD_KEY_MISSING'
  | 'SHARD_KEY_MISMATCH'
  | 'SHARD_KEY_UPDATE'
  | 'SHARD_KEY_INVALID'
  | 'CROSS_SHARD_TRANSACTION'
  | 'CROSS_SHARD_JOIN'
  | 'TRANSACTION_NEEDS_SHARD'
  | 'RAW_SQL_NEEDS_SHARD'
  | 'REFERENCE_WRITE_NEEDS_ALL_SHARDS'
  | 'HOME_TABLE_NEEDS_HOME_SHARD'
  | 'SCHEMA_RULE_VIOLATION'
  | 'SHARD_MAP_INVALID'
  | 'SHARD_MAP_RESIZE'
  | 'CONFIG_INVALID'
  | 'FANOUT_SHARD_FAILED'
  | 'FANOUT_UNSUPPORTED'
  | 'FANOUT_CURSOR_INVALID'
  | 'COUNT_NOT_EMBEDDABLE'
  | 'TWO_PHASE_COMMIT_FAILED'
  | 'CONSISTENCY_TOKEN_INVALID'
  | 'SHARD_ID_AMBIGUOUS';

/**
 * Base class of every drizzle-shard error: a stable `code`, a message that says what to do,
 * and structured `details`. Connection strings are redacted from messages.
 *
 * @example
 * try { await db.select().from(orders) }
 * catch (e) { if (isDrizzleShardError(e, 'SHARD_KEY_MISSING')) ... }
 */
export class DrizzleShardError extends Error {
  override name = 'DrizzleShardError';
  constructor(
    readonly code: DrizzleShardErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(redactText(message), options);
  }
}

/** `error`, then its `cause`, its cause's cause…: at most `limit` of them (a cycle ends too). */
function* causeChain(error: unknown, limit: number): Generator<unknown> {
  for (let e = error, n = 0; e && n < limit; e = (e as { cause?: unknown }).cause, n++) yield e;
}

/** The first error code on the `cause` chain: drizzle wraps driver errors (DrizzleQueryError). */
export function errorCode(error: unknown): string | undefined {
  for (const e of causeChain(error, 5)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * The message at the end of an error's `cause` chain (at most 5 causes down): drizzle wraps the
 * server's error in a DrizzleQueryError whose own message is only "Failed query: …".
 */
export function rootMessage(error: unknown): string {
  const last = [...causeChain(error, 6)].at(-1) ?? error;
  return (last as Error)?.message ?? String(last);
}

/** A sharded table was queried without a usable equality on its shard key. */
export class MissingShardKeyError extends DrizzleShardError {
  override name = 'MissingShardKeyError';
  constructor(
    readonly table: string,
    readonly keyColumn: string,
    reason = '',
  ) {
    super(
      'SHARD_KEY_MISSING',
      `Query on sharded table "${table}" has no usable condition on its shard key "${keyColumn}"${reason ? ` (${reason})` : ''}. ` +
        `Add eq(${table}.${keyColumn}, value) or inArray(...), use db.shard(key) to pick the shard, or db.allShards() to fan out explicitly.`,
      { table, keyColumn },
    );
  }
}

/** A statement inside a shard-bound transaction touched a key that lives on another shard. */
export class CrossShardTransactionError extends DrizzleShardError {
  override name = 'CrossShardTransactionError';
  constructor(table: string, boundShard: number, otherShards: readonly number[]) {
    super(
      'CROSS_SHARD_TRANSACTION',
      `This transaction is bound to shard ${boundShard}, but the statement on "${table}" targets shard(s) ${otherShards.join(', ')}. ` +
        'A transaction runs on one shard; split the work per shard or use the two-phase API for reference tables.',
      { table, boundShard, otherShards },
    );
  }
}

/** True when `error` is a drizzle-shard error (optionally with the given code); works across package copies. */
export function isDrizzleShardError(
  error: unknown,
  code?: DrizzleShardErrorCode,
): error is DrizzleShardError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    error instanceof Error &&
    (code === undefined || (error as DrizzleShardError).code === code) &&
    'details' in error
  );
}
