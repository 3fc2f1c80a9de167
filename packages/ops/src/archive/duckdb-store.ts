import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ArchiveError } from './archive-error.ts';
import {
  type BatchChecksum,
  checksumOf,
  checksumQuery,
  quoteIdent,
  quoteLiteral,
  sameChecksum,
} from './checksum.ts';
import type { SourceTable } from './source-table.ts';

/** One archived batch, as the store's ledger records it. */
export interface LedgerEntry {
  readonly batch: number;
  readonly table: string;
  readonly shard: number;
  /** The cut-off the batch was selected with (ISO text). */
  readonly cutoff: string;
  /** First and last primary-key values of the batch, as PostgreSQL's text. */
  readonly firstKey: readonly string[];
  readonly lastKey: readonly string[];
  readonly checksum: BatchChecksum;
  /** `copied`: in the store, verified, maybe not yet deleted from the shard. `done`: deleted too. */
  readonly state: 'copied' | 'done';
}

const LEDGER = '_drizzle_shard_archive_batches';
/** Column added to every archived table: the ledger batch a row came in with. */
export const BATCH_COLUMN = '_archive_batch';

/**
 * The columnar store: one DuckDB database file holding the archived tables (the source's
 * columns plus `_archive_batch`) and a ledger of batches. Each batch is loaded, checked and
 * recorded in one DuckDB transaction, so a crash leaves either the whole verified batch or none.
 */
export class DuckDbArchive {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly con: DuckDBConnection,
    readonly path: string,
  ) {}

  /** Opens (or, with `create`, creates) the store. */
  static async open(path: string, { create = true } = {}): Promise<DuckDbArchive> {
    if (!create && !existsSync(path)) {
      throw new ArchiveError('ARCHIVE_BAD_INPUT', `No archive at ${path}.`);
    }
    const instance = await DuckDBInstance.create(path);
    const con = await instance.connect();
    await con.run(`create table if not exists ${LEDGER} (
      batch BIGINT PRIMARY KEY, source_table VARCHAR NOT NULL, shard INTEGER NOT NULL, cutoff VARCHAR NOT NULL,
      first_key VARCHAR NOT NULL, last_key VARCHAR NOT NULL, rows BIGINT NOT NULL, checksum VARCHAR NOT NULL,
      state VARCHAR NOT NULL, archived_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)`);
    return new DuckDbArchive(instance, con, path);
  }

  /** Rows of any query on the store (for reports: `select kind, count(*) from events group by 1`). */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.con.runAndReadAll(sql)).getRowObjectsJS();
  }

  /** Creates the table for `source`, or checks that the existing one has the same columns. */
  async prepareTable(source: SourceTable): Promise<void> {
    const existing = await this.query(
      `select column_name from information_schema.columns where table_name = ${quoteLiteral(source.name)} order by ordinal_position`,
    );
    const wanted = [...source.columns.map((c) => c.name), BATCH_COLUMN];
    if (existing.length === 0) {
      const columns = source.columns.map((c) => `${quoteIdent(c.name)} ${c.storeType}`);
      await this.con.run(
        `create table ${quoteIdent(source.name)} (${[...columns, `${BATCH_COLUMN} BIGINT NOT NULL`].join(', ')})`,
      );
      return;
    }
    const have = existing.map((r) => String(r.column_name));
    if (have.join(',') !== wanted.join(',')) {
      throw new ArchiveError(
        'ARCHIVE_SCHEMA_MISMATCH',
        `The archive's "${source.name}" has columns (${have.join(', ')}) but the shards' has (${wanted.join(', ')}). Archive into a new file, or alter the archive's table to match.`,
      );
    }
  }

  /** Batches of `table` from `shard` in the given state. */
  async batches(table: string, shard: number, state: LedgerEntry['state']): Promise<LedgerEntry[]> {
    const rows = await this.query(
      `select * from ${LEDGER} where source_table = ${quoteLiteral(table)} and shard = ${shard} and state = ${quoteLiteral(state)} order by batch`,
    );
    return rows.map((r) => ({
      batch: Number(r.batch),
      table: String(r.source_table),
      shard: Number(r.shard),
      cutoff: String(r.cutoff),
      firstKey: JSON.parse(String(r.first_key)),
      lastKey: JSON.parse(String(r.last_key)),
      checksum: { rows: Number(r.rows), sum: String(r.checksum) },
      state: r.state as LedgerEntry['state'],
    }));
  }

  /**
   * Loads a batch from a CSV of PostgreSQL's text values at `csvPath`, checks its
   * count and checksum against `expected` (computed on the shard), and records it as `copied`,
   * all in one transaction. On a mismatch nothing stays in the store and ARCHIVE_VERIFY_FAILED
   * is thrown.
   */
  async loadBatch(
    source: SourceTable,
    csvPath: string,
    entry: Omit<LedgerEntry, 'batch' | 'state'>,
  ): Promise<LedgerEntry> {
    await this.con.run('begin transaction');
    try {
      const [next] = await this.query(`select coalesce(max(batch), 0) + 1 as batch from ${LEDGER}`);
      const batch = Number(next!.batch);
      const columns = source.columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.storeType)}`);
      await this.con.run(
        `insert into ${quoteIdent(source.name)} select *, ${batch} from read_csv(${quoteLiteral(csvPath)},
          header = false, allow_quoted_nulls = false, auto_detect = false, columns = {${columns.join(', ')}})`,
      );
      const stored = await this.checksum(source, batch);
      if (!sameChecksum(stored, entry.checksum)) {
        throw new ArchiveError(
          'ARCHIVE_VERIFY_FAILED',
          `Batch from shard ${entry.shard} of "${source.name}" did not arrive intact: the shard has ${entry.checksum.rows} rows (checksum ${entry.checksum.sum}), the archive got ${stored.rows} (checksum ${stored.sum}). Nothing was deleted from the shard.`,
        );
      }
      await this.con.run(
        `insert into ${LEDGER} (batch, source_table, shard, cutoff, first_key, last_key, rows, checksum, state)
         values (${batch}, ${quoteLiteral(entry.table)}, ${entry.shard}, ${quoteLiteral(entry.cutoff)},
           ${quoteLiteral(JSON.stringify(entry.firstKey))}, ${quoteLiteral(JSON.stringify(entry.lastKey))},
           ${entry.checksum.rows}, ${quoteLiteral(entry.checksum.sum)}, 'copied')`,
      );
      await this.con.run('commit');
      return { ...entry, batch, state: 'copied' };
    } catch (error) {
      await this.con.run('rollback');
      throw error;
    }
  }

  /** Count and checksum of the rows a batch brought (or of the whole table without `batch`). */
  async checksum(source: SourceTable, batch?: number): Promise<BatchChecksum> {
    const where = batch === undefined ? '' : ` where ${BATCH_COLUMN} = ${batch}`;
    const [r] = await this.query(
      checksumQuery(source.columns, `${quoteIdent(source.name)}${where}`, 'duckdb'),
    );
    return checksumOf(r!);
  }

  async markDone(batch: number): Promise<void> {
    await this.con.run(`update ${LEDGER} set state = 'done' where batch = ${batch}`);
  }

  /** Removes a batch's rows and ledger entry (its shard rows changed after the copy). */
  async dropBatch(source: SourceTable, batch: number): Promise<void> {
    await this.con.run('begin transaction');
    await this.con.run(`delete from ${quoteIdent(source.name)} where ${BATCH_COLUMN} = ${batch}`);
    await this.con.run(`delete from ${LEDGER} where batch = ${batch}`);
    await this.con.run('commit');
  }

  /**
   * Writes the archived table to a Parquet file (without `_archive_batch`), reads it back and
   * checks count and checksum against the store before moving it into place.
   */
  async exportParquet(source: SourceTable, file: string): Promise<BatchChecksum> {
    const tmp = `${file}.tmp`;
    await this.con.run(
      `copy (select * exclude (${BATCH_COLUMN}) from ${quoteIdent(source.name)} order by ${source.key.map(quoteIdent).join(', ')})
       to ${quoteLiteral(tmp)} (format parquet)`,
    );
    const [r] = await this.query(
      checksumQuery(source.columns, `read_parquet(${quoteLiteral(tmp)})`, 'duckdb'),
    );
    const written = checksumOf(r!);
    const stored = await this.checksum(source);
    if (!sameChecksum(written, stored)) {
      await rm(tmp, { force: true });
      throw new ArchiveError(
        'ARCHIVE_VERIFY_FAILED',
        `The Parquet file for "${source.name}" read back ${written.rows} rows (checksum ${written.sum}) but the archive holds ${stored.rows} (checksum ${stored.sum}).`,
      );
    }
    await rename(tmp, file);
    return written;
  }

  close(): void {
    this.con.closeSync();
    this.instance.closeSync();
  }
}
