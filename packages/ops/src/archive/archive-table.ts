import { mkdirSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Sql, TransactionSql } from 'postgres';
import { connectOps } from '../connect.ts';
import { batchFile, sweepDeadBatchFiles } from './batch-files.ts';
import { batchPredicate, qualifiedName } from './batch-range.ts';
import { type BatchChecksum, checksumOf, checksumQuery, quoteIdent, sameChecksum } from './checksum.ts';
import { resolveCutoff } from './cutoff.ts';
import { DuckDbArchive, type LedgerEntry } from './duckdb-store.ts';
import { describeSourceTable, type SourceTable } from './source-table.ts';

export interface ArchiveOptions {
  /** Shard primaries, in shard order. */
  readonly shards: readonly string[];
  /** Table to archive (`events` or `schema.events`). */
  readonly table: string;
  /** Rows older than this (`90d`, `12h`, or a PostgreSQL interval)… */
  readonly olderThan?: string;
  /** …or older than this instant (ISO text). */
  readonly before?: string;
  /** Time column compared with the cut-off; default: created_at, occurred_at, … whichever exists. */
  readonly column?: string;
  /**
   * DuckDB database file; or a directory (ending in `/`): the store is `DIR/archive.duckdb` and
   * every run ends by writing `DIR/<table>.parquet`, verified against the store.
   */
  readonly to: string;
  /** Rows per batch. Default 10,000. */
  readonly batchSize?: number;
  /** Count what would move; change nothing and create no store. */
  readonly dryRun?: boolean;
  readonly onProgress?: (progress: ArchiveProgress) => void;
  /**
   * Called when a batch is verified in the store, before its rows are deleted from the shard.
   * If it throws, the shard's transaction rolls back and the batch stays `copied`: the state a
   * crash at that point leaves (the next run finishes it).
   */
  readonly onBatchStored?: (entry: LedgerEntry) => void | Promise<void>;
}

export interface ArchiveProgress {
  readonly table: string;
  readonly shard: number;
  /** Rows archived from this shard in this run so far. */
  readonly archived: number;
  /** Rows older than the cut-off on this shard when its turn began. */
  readonly total: number;
}

export interface ShardArchiveResult {
  readonly shard: number;
  /** Rows older than the cut-off found (dry run) or archived and deleted (real run). */
  readonly rows: number;
  readonly batches: number;
  /** Batches a killed earlier run had copied but not yet deleted, finished now. */
  readonly resumed: number;
}

export interface ArchiveReport {
  readonly table: string;
  /** The Parquet file written, when `to` is a directory. */
  readonly parquet?: string;
  readonly cutoff: string;
  readonly dryRun: boolean;
  readonly shards: readonly ShardArchiveResult[];
  readonly rows: number;
}

const DEFAULT_BATCH_SIZE = 10_000;

const isDirectory = (to: string) => to.endsWith('/') || to.endsWith(path.sep);
/** The DuckDB file behind `to` (a file, or `archive.duckdb` in a directory, created if missing). */
export function storeFile(to: string): string {
  if (!isDirectory(to)) return to;
  mkdirSync(to, { recursive: true });
  return path.join(to, 'archive.duckdb');
}
const connect = (url: string) => connectOps(url, 'drizzle-shard-archive');

/** A serialization failure or deadlock: the transaction may simply be run again. */
const isTransient = (error: unknown) => ['40001', '40P01'].includes((error as { code?: string })?.code ?? '');

/** Runs `fn` in a REPEATABLE READ transaction, again on serialization failures and deadlocks. */
async function inSnapshot<T>(sql: Sql, fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await sql.begin('isolation level repeatable read', fn)) as T;
    } catch (error) {
      if (attempt >= 5 || !isTransient(error)) throw error;
    }
  }
}

/** CSV as the store reads it: every value quoted, NULL as an empty unquoted field. */
function toCsv(rows: readonly (readonly (string | null)[])[]): string {
  const field = (v: string | null) => (v === null ? '' : `"${v.replaceAll('"', '""')}"`);
  return rows.map((r) => `${r.map(field).join(',')}\n`).join('');
}

async function shardChecksum(tx: TransactionSql, source: SourceTable, where: string): Promise<BatchChecksum> {
  const [r] = await tx.unsafe(
    checksumQuery(source.columns, `${qualifiedName(source)} where ${where}`, 'postgres'),
  );
  return checksumOf(r!);
}

/**
 * Finishes a batch a killed run left `copied`: if the shard still has exactly the archived rows,
 * they are deleted; if it has none, the delete had committed; if they changed since, the batch
 * is dropped from the store and archived again later. Returns whether it finished.
 */
async function finishCopied(sql: Sql, store: DuckDbArchive, source: SourceTable, entry: LedgerEntry) {
  const where = batchPredicate(source, entry.cutoff, entry.firstKey, entry.lastKey);
  const outcome = await inSnapshot(sql, async (tx) => {
    await tx.unsafe(`select 1 from ${qualifiedName(source)} where ${where} for update`);
    const now = await shardChecksum(tx, source, where);
    if (now.rows === 0) return 'gone';
    if (!sameChecksum(now, entry.checksum)) return 'changed';
    await tx.unsafe(`delete from ${qualifiedName(source)} where ${where}`);
    return 'deleted';
  });
  if (outcome === 'changed') await store.dropBatch(source, entry.batch);
  else await store.markDone(entry.batch);
  return outcome !== 'changed';
}

/**
 * Moves one batch: in one REPEATABLE READ transaction on the shard, locks the oldest-keyed
 * `batchSize` rows older than the cut-off, reads them as text, has the store load and
 * verify them (count + checksum computed in SQL on both sides) and record the batch, then
 * deletes exactly those rows and commits. A crash before the store's commit leaves everything
 * on the shard; after it, the batch is `copied` and `finishCopied` completes it on the next run.
 */
async function moveBatch(
  sql: Sql,
  store: DuckDbArchive,
  source: SourceTable,
  shard: number,
  cutoff: string,
  options: Pick<ArchiveOptions, 'batchSize' | 'onBatchStored'>,
): Promise<number> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const csv = batchFile(shard);
  try {
    // No retry in here: once the store has committed the batch, only finishCopied may touch it.
    const moved = await sql.begin('isolation level repeatable read', async (tx) => {
      // The batch: the first `batchSize` old rows in key order, locked. (Aliased k0, k1…, so the
      // ORDER BY sorts by the columns, not by their text.)
      const keys = await tx
        .unsafe(
          `select ${source.key.map((k, i) => `${quoteIdent(k)}::text as k${i}`).join(', ')} from ${qualifiedName(source)}
           where ${batchPredicate(source, cutoff)} order by ${source.key.map(quoteIdent).join(', ')} limit ${batchSize} for update`,
        )
        .values();
      if (keys.length === 0) return undefined;
      const firstKey = keys[0] as string[];
      const lastKey = keys.at(-1) as string[];
      const where = batchPredicate(source, cutoff, firstKey, lastKey);
      const checksum = await shardChecksum(tx, source, where);
      // Rows as PostgreSQL's text, written as CSV for the store to cast. (Not COPY TO STDOUT:
      // postgres.js 3.4 can leave the connection stalled after a COPY stream inside a transaction.)
      const rows = await tx
        .unsafe(
          `select ${source.columns.map((c) => `${quoteIdent(c.name)}::text`).join(', ')} from ${qualifiedName(source)} where ${where}`,
        )
        .values();
      await writeFile(csv, toCsv(rows as (string | null)[][]));
      const entry = await store.loadBatch(source, csv, {
        table: source.name,
        shard,
        cutoff,
        firstKey,
        lastKey,
        checksum,
      });
      await options.onBatchStored?.(entry);
      const deleted = await tx.unsafe(`delete from ${qualifiedName(source)} where ${where}`);
      if (deleted.count !== checksum.rows) {
        throw new Error(`deleted ${deleted.count} rows, expected ${checksum.rows}`);
      }
      return entry;
    });
    if (!moved) return 0;
    await store.markDone(moved.batch);
    return moved.checksum.rows;
  } finally {
    await rm(csv, { force: true });
  }
}

/**
 * `drizzle-shard archive`: moves rows older than a cut-off from every shard into a DuckDB file in
 * verified batches, then deletes exactly those rows from the shard. Resumable after a crash at any
 * point (no row lost, none duplicated); the store's ledger says what each batch was.
 */
export async function archiveTable(options: ArchiveOptions): Promise<ArchiveReport> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const shards = options.shards.map(connect);
  let store: DuckDbArchive | undefined;
  try {
    const source = await describeSourceTable(shards, options.table, options.column);
    const cutoff = await resolveCutoff(shards[0]!, options);
    const results: ShardArchiveResult[] = [];
    if (!options.dryRun) {
      sweepDeadBatchFiles();
      store = await DuckDbArchive.open(storeFile(options.to));
      await store.prepareTable(source);
    }
    for (const [shard, sql] of shards.entries()) {
      const [count] = await sql.unsafe(
        `select count(*)::float8 as n from ${qualifiedName(source)} where ${batchPredicate(source, cutoff)}`,
      );
      const total = Number(count!.n);
      if (!store) {
        results.push({ shard, rows: total, batches: Math.ceil(total / batchSize), resumed: 0 });
        continue;
      }
      let resumed = 0;
      let archived = 0;
      let batches = 0;
      let conflicts = 0;
      options.onProgress?.({ table: source.name, shard, archived, total });
      for (;;) {
        // Batches left `copied` (by a killed run, or a failed attempt just now) are finished first,
        // so a batch is never selected and stored twice.
        for (const entry of await store.batches(source.name, shard, 'copied')) {
          if (await finishCopied(sql, store, source, entry)) resumed++;
        }
        let moved: number;
        try {
          moved = await moveBatch(sql, store, source, shard, cutoff, options);
          conflicts = 0;
        } catch (error) {
          if (!isTransient(error) || ++conflicts > 5) throw error;
          continue;
        }
        if (moved === 0) break;
        archived += moved;
        batches++;
        options.onProgress?.({ table: source.name, shard, archived, total: Math.max(total, archived) });
      }
      results.push({ shard, rows: archived, batches, resumed });
    }
    const parquet =
      store && isDirectory(options.to) ? path.join(options.to, `${source.name}.parquet`) : undefined;
    if (store && parquet) await store.exportParquet(source, parquet);
    return {
      table: source.name,
      ...(parquet ? { parquet } : {}),
      cutoff,
      dryRun: options.dryRun ?? false,
      shards: results,
      rows: results.reduce((n, r) => n + r.rows, 0),
    };
  } finally {
    store?.close();
    await Promise.all(shards.map((s) => s.end({ timeout: 2 })));
  }
}
