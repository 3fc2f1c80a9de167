import { performance } from 'node:perf_hooks';
import { redactText, redactUrl } from 'drizzle-shard';
import postgres from 'postgres';
import type { IndexRecommendation } from '../model.ts';
import { ApplyIndexError, type ApplyIndexErrorCode, createIndexSql, dropIndexSql } from './index-sql.ts';

/** What happened to one index on one shard. */
export type IndexOutcome = 'created' | 'already-valid' | 'rebuilt' | 'failed';

export interface IndexApplyFailure {
  readonly code: ApplyIndexErrorCode;
  /** What went wrong, passwords redacted. */
  readonly message: string;
  /** PostgreSQL's SQLSTATE when the server raised the error (`42P01`: no such table). */
  readonly sqlState?: string;
}

export interface IndexApplyResult {
  readonly table: string;
  readonly index: string;
  readonly outcome: IndexOutcome;
  readonly elapsedMs: number;
  /** Present when `outcome` is `failed`. */
  readonly error?: IndexApplyFailure;
}

export interface ShardApplyReport {
  readonly shard: number;
  /** The primary's URL, password redacted. */
  readonly url: string;
  /** Every index is valid on this shard. */
  readonly ok: boolean;
  /** One entry per recommendation, in the order given. */
  readonly indexes: readonly IndexApplyResult[];
}

export interface ApplyReport {
  /** Every index is valid on every shard. */
  readonly ok: boolean;
  /** One entry per primary, in the order given. */
  readonly shards: readonly ShardApplyReport[];
  /** Shards where at least one index failed. */
  readonly failedShards: readonly number[];
  readonly elapsedMs: number;
}

export interface ApplyProgressEvent {
  readonly shard: number;
  readonly index: string;
  readonly state: 'start' | 'done' | 'failed';
  /** Time spent on this index on this shard so far (0 at `start`). */
  readonly elapsedMs: number;
  /** With `done` and `failed`. */
  readonly outcome?: IndexOutcome;
  /** With `failed`. */
  readonly error?: IndexApplyFailure;
}

export interface ApplyIndexesOptions {
  /** Called at the start and end of every index on every shard. Errors it throws are ignored. */
  onProgress?(event: ApplyProgressEvent): void;
  /** How many times an INVALID index may be dropped and built again, per index and shard. Default 1. */
  retries?: number;
  /** How many shards work at once (each one index at a time). Default: all of them. */
  concurrency?: number;
}

export interface ShardPrimary {
  readonly shard: number;
  readonly url: string;
}

/** Set on every connection, so a DBA can see (and tests can check) who builds indexes. */
export const APPLY_APPLICATION_NAME = 'drizzle-shard-codegen';

/**
 * Creates every recommended index on every shard primary with `CREATE INDEX CONCURRENTLY`
 * (no table lock, no transaction), one index at a time per shard, then checks in `pg_index`
 * that it is valid. An INVALID index left by an earlier failed build is dropped and built again
 * (up to `retries` times). A failing shard or index never stops the others: read the report.
 *
 * @example
 * const report = await applyIndexes(recommendations, cluster.shards.map((s) => ({ shard: s.index, url: s.primary.url })));
 * if (!report.ok) console.error(report.failedShards);
 */
export async function applyIndexes(
  recommendations: readonly IndexRecommendation[],
  primaries: readonly ShardPrimary[],
  options: ApplyIndexesOptions = {},
): Promise<ApplyReport> {
  const started = performance.now();
  const retries = options.retries ?? 1;
  const concurrency = options.concurrency ?? Math.max(1, primaries.length);
  validate(recommendations, primaries, retries, concurrency);
  // Building the SQL first refuses a bad recommendation before any shard is touched.
  const plans = recommendations.map((rec) => ({
    rec,
    create: createIndexSql(rec),
    drop: dropIndexSql(rec.name),
  }));
  const emit = (event: ApplyProgressEvent) => {
    try {
      options.onProgress?.(event);
    } catch {
      // A progress callback must not break index builds.
    }
  };

  const shards = await mapLimited(primaries, concurrency, (primary) =>
    applyOnShard(primary, plans, retries, emit),
  );
  const failedShards = shards.filter((s) => !s.ok).map((s) => s.shard);
  return { ok: failedShards.length === 0, shards, failedShards, elapsedMs: performance.now() - started };
}

function validate(
  recommendations: readonly IndexRecommendation[],
  primaries: readonly ShardPrimary[],
  retries: number,
  concurrency: number,
): void {
  if (!Number.isInteger(retries) || retries < 0) {
    throw new ApplyIndexError(
      'CODEGEN_APPLY_OPTIONS_INVALID',
      `retries must be a whole number ≥ 0, got ${retries}.`,
    );
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ApplyIndexError(
      'CODEGEN_APPLY_OPTIONS_INVALID',
      `concurrency must be a whole number ≥ 1, got ${concurrency}.`,
    );
  }
  const seenShards = new Set<number>();
  for (const p of primaries) {
    if (seenShards.has(p.shard)) {
      throw new ApplyIndexError(
        'CODEGEN_APPLY_OPTIONS_INVALID',
        `Shard ${p.shard} is listed twice; give one primary per shard.`,
      );
    }
    seenShards.add(p.shard);
  }
  const seenNames = new Set<string>();
  for (const rec of recommendations) {
    if (seenNames.has(rec.name)) {
      throw new ApplyIndexError(
        'CODEGEN_INDEX_RECOMMENDATION_INVALID',
        `Index name ${JSON.stringify(rec.name)} is recommended twice; index names must be unique per schema.`,
      );
    }
    seenNames.add(rec.name);
  }
}

interface Plan {
  readonly rec: IndexRecommendation;
  readonly create: string;
  readonly drop: string;
}

type Emit = (event: ApplyProgressEvent) => void;

async function applyOnShard(
  primary: ShardPrimary,
  plans: readonly Plan[],
  retries: number,
  emit: Emit,
): Promise<ShardApplyReport> {
  const indexes: IndexApplyResult[] = [];
  let sql: postgres.Sql | undefined;
  try {
    // Set when nothing can be built on this shard (unreachable, or blocked by prepared transactions).
    let shardFailure: IndexApplyFailure | undefined;
    try {
      // max 1 and simple queries: CONCURRENTLY refuses to run inside a transaction block.
      sql = postgres(primary.url, {
        max: 1,
        prepare: false,
        onnotice: () => {},
        connect_timeout: 10,
        connection: { application_name: APPLY_APPLICATION_NAME },
      });
      await sql.unsafe('select 1');
      shardFailure = await preparedTransactionsBlocking(sql, primary.shard);
    } catch (error) {
      shardFailure = failure(
        'CODEGEN_INDEX_SHARD_UNREACHABLE',
        `Shard ${primary.shard} primary (${redactUrl(primary.url)}) is unreachable: ${describe(error)}`,
        error,
      );
    }
    for (const plan of plans) {
      const start = performance.now();
      emit({ shard: primary.shard, index: plan.rec.name, state: 'start', elapsedMs: 0 });
      const result = shardFailure
        ? { failed: shardFailure }
        : await applyOne(sql!, plan, primary.shard, retries);
      const elapsedMs = performance.now() - start;
      if ('failed' in result) {
        indexes.push({ ...identity(plan), outcome: 'failed', elapsedMs, error: result.failed });
        emit({
          shard: primary.shard,
          index: plan.rec.name,
          state: 'failed',
          elapsedMs,
          outcome: 'failed',
          error: result.failed,
        });
      } else {
        indexes.push({ ...identity(plan), outcome: result.outcome, elapsedMs });
        emit({
          shard: primary.shard,
          index: plan.rec.name,
          state: 'done',
          elapsedMs,
          outcome: result.outcome,
        });
      }
    }
  } finally {
    await sql?.end({ timeout: 5 });
  }
  return {
    shard: primary.shard,
    url: redactUrl(primary.url),
    ok: indexes.every((i) => i.outcome !== 'failed'),
    indexes,
  };
}

function identity(plan: Plan): { table: string; index: string } {
  return { table: plan.rec.table, index: plan.rec.name };
}

type StepResult = { outcome: Exclude<IndexOutcome, 'failed'> } | { failed: IndexApplyFailure };

/** Builds one index on one shard until it is valid, or says why it is not. */
async function applyOne(sql: postgres.Sql, plan: Plan, shard: number, retries: number): Promise<StepResult> {
  const { rec } = plan;
  const where = `index ${JSON.stringify(rec.name)} on ${JSON.stringify(rec.table)} (shard ${shard})`;
  try {
    let state = await inspectIndex(sql, rec.name);
    const conflict = conflictOf(state, rec, where);
    if (conflict) return { failed: conflict };
    if (state.kind === 'index' && state.valid) return { outcome: 'already-valid' };

    let rebuildsLeft = retries;
    let rebuilt = false;
    let attempts = 0;
    let ownLeftover = false;
    let lastError: unknown;
    for (;;) {
      if (state.kind === 'index') {
        // Exists but INVALID: IF NOT EXISTS would keep it as is, so drop it first.
        if (state.buildingPid !== null) {
          return {
            failed: failure(
              'CODEGEN_INDEX_BUILD_FAILED',
              `${where} is being built right now by another session (pid ${state.buildingPid}); run again when it finishes.`,
            ),
          };
        }
        if (rebuildsLeft === 0) {
          if (ownLeftover) await sql.unsafe(plan.drop); // do not leave our failed build behind
          const why = lastError ? `: ${describe(lastError)}` : '';
          return {
            failed: failure(
              'CODEGEN_INDEX_STILL_INVALID',
              ownLeftover
                ? `Building ${where} failed ${attempts} time(s); the INVALID index it left was dropped${why}`
                : `${where} exists but is INVALID and retries is 0, so it was left as is. Drop it or allow a retry.`,
              lastError,
            ),
          };
        }
        rebuildsLeft--;
        await sql.unsafe(plan.drop);
        rebuilt = true;
      }
      lastError = undefined;
      attempts++;
      try {
        await sql.unsafe(plan.create);
      } catch (error) {
        lastError = error;
      }
      state = await inspectIndex(sql, rec.name);
      const after = conflictOf(state, rec, where);
      if (after) return { failed: after };
      if (state.kind === 'index' && state.valid) return { outcome: rebuilt ? 'rebuilt' : 'created' };
      if (state.kind === 'absent') {
        return {
          failed: failure(
            'CODEGEN_INDEX_BUILD_FAILED',
            `Creating ${where} failed: ${lastError ? describe(lastError) : 'no index of that name exists afterwards'}`,
            lastError,
          ),
        };
      }
      ownLeftover = true;
    }
  } catch (error) {
    return {
      failed: failure('CODEGEN_INDEX_BUILD_FAILED', `Applying ${where} failed: ${describe(error)}`, error),
    };
  }
}

type IndexState =
  | { kind: 'absent' }
  /** Something that is not an index holds the name. */
  | { kind: 'other'; relkind: string }
  | {
      kind: 'index';
      valid: boolean;
      table: string;
      unique: boolean;
      partial: boolean;
      columns: readonly { name: string | null; desc: boolean }[];
      buildingPid: number | null;
    };

interface InspectRow {
  relkind: string;
  valid: boolean | null;
  table: string | null;
  unique: boolean | null;
  partial: boolean | null;
  columns: { name: string | null; desc: boolean }[] | null;
  building_pid: number | null;
}

// Key columns with their DESC flag (bit 0 of indoption); expression columns have no name.
const INSPECT_SQL = `
select c.relkind::text as relkind,
       i.indisvalid and i.indisready as valid,
       t.relname::text as table,
       i.indisunique as unique,
       i.indpred is not null or i.indexprs is not null as partial,
       (select json_agg(json_build_object('name', a.attname, 'desc', (k.opt & 1) = 1) order by k.ord)
          from unnest(i.indkey::int2[], i.indoption::int2[]) with ordinality as k(attnum, opt, ord)
          left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum and k.attnum > 0
         where k.ord <= i.indnkeyatts) as columns,
       (select p.pid from pg_stat_progress_create_index p
         where p.index_relid = c.oid and p.pid <> pg_backend_pid() limit 1) as building_pid
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  left join pg_index i on i.indexrelid = c.oid
  left join pg_class t on t.oid = i.indrelid
 where c.relname = $1 and n.nspname = current_schema()`;

async function inspectIndex(sql: postgres.Sql, name: string): Promise<IndexState> {
  const rows = (await sql.unsafe(INSPECT_SQL, [name])) as unknown as InspectRow[];
  const row = rows[0];
  if (!row) return { kind: 'absent' };
  if (row.valid === null || row.table === null) return { kind: 'other', relkind: row.relkind };
  return {
    kind: 'index',
    valid: row.valid,
    table: row.table,
    unique: row.unique === true,
    partial: row.partial === true,
    columns: row.columns ?? [],
    buildingPid: row.building_pid === null ? null : Number(row.building_pid),
  };
}

/** A relation of the same name that is not the recommended index: never dropped, reported. */
function conflictOf(
  state: IndexState,
  rec: IndexRecommendation,
  where: string,
): IndexApplyFailure | undefined {
  if (state.kind === 'absent') return undefined;
  const taken = `${where} cannot be created: the name is taken by`;
  if (state.kind === 'other') {
    return failure(
      'CODEGEN_INDEX_NAME_CONFLICT',
      `${taken} a relation that is not an index (relkind ${state.relkind}).`,
    );
  }
  const wanted = rec.columns.map((c) => ({ name: c.name, desc: c.direction === 'desc' }));
  const same =
    state.table === rec.table &&
    state.unique === rec.unique &&
    !state.partial &&
    state.columns.length === wanted.length &&
    state.columns.every((c, i) => c.name === wanted[i]?.name && c.desc === wanted[i]?.desc);
  if (same) return undefined;
  const shown = state.columns.map((c) => `${c.name ?? '<expression>'}${c.desc ? ' DESC' : ''}`).join(', ');
  return failure(
    'CODEGEN_INDEX_NAME_CONFLICT',
    `${taken} another ${state.unique ? 'unique ' : ''}${state.partial ? 'partial/expression ' : ''}index on ${JSON.stringify(state.table)} (${shown}); it was left alone. Rename or drop it.`,
  );
}

/**
 * A prepared transaction never ends by itself, and CREATE INDEX CONCURRENTLY waits for every
 * transaction that could see the table: the build would hang. Refused up front instead.
 */
async function preparedTransactionsBlocking(
  sql: postgres.Sql,
  shard: number,
): Promise<IndexApplyFailure | undefined> {
  const left = await sql.unsafe<{ gid: string; prepared: string }[]>(
    'select gid, prepared::text from pg_prepared_xacts where database = current_database() order by prepared',
  );
  if (left.length === 0) return undefined;
  return failure(
    'CODEGEN_INDEX_BLOCKED_BY_PREPARED_XACT',
    `Shard ${shard} has ${left.length} prepared transaction(s) left behind (${left.map((x) => `'${x.gid}' since ${x.prepared}`).join(', ')}); CREATE INDEX CONCURRENTLY would wait for them forever. Finish them first (db.recoverPreparedTransactions(), or COMMIT/ROLLBACK PREPARED), then run again.`,
  );
}

function failure(code: ApplyIndexErrorCode, message: string, cause?: unknown): IndexApplyFailure {
  const sqlState = sqlStateOf(cause);
  return { code, message: redactText(message), ...(sqlState ? { sqlState } : {}) };
}

function sqlStateOf(error: unknown): string | undefined {
  if (error instanceof postgres.PostgresError) return error.code;
  return undefined;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const sqlState = sqlStateOf(error);
  return redactText(sqlState ? `${message} (SQLSTATE ${sqlState})` : message);
}

/** Runs `fn` over `items` with at most `limit` at once; results keep the input order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
