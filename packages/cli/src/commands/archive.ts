import path from 'node:path';
import { ArchiveError, archiveTable, DuckDbArchive, storeFile } from '@drizzle-shard/ops';
import { redactText } from 'drizzle-shard';
import { numberOption, parseCommand, UsageError } from '../args.ts';
import type { Output } from '../output.ts';
import { primaryUrls } from '../primaries.ts';
import { ProgressLine } from '../progress.ts';

export const ARCHIVE_HELP = `drizzle-shard archive --table events --older-than 90d --to warehouse.duckdb --url PRIMARY_URL [--url …]
drizzle-shard archive query --to warehouse.duckdb "select kind, count(*) from events group by 1"

  archive        Copies the rows older than the cut-off from every shard into a DuckDB file in
                 batches (COPY out, loaded and verified in the store by count and checksum, then
                 exactly those rows deleted from the shard). Killed midway, the next run finishes
                 or redoes each batch: nothing is lost or archived twice.
  archive query  Runs a SQL query on the archive (DuckDB's SQL) and prints the rows.

Options:
  --table NAME          table to archive (schema-qualified if not in the search path)
  --older-than AGE      90d, 12h, 2w, or a PostgreSQL interval ('3 months'); or --before ISO_TIME
  --column NAME         time column (default: created_at, occurred_at, inserted_at, … whichever exists)
  --to FILE             DuckDB database file (created if missing); or --to DIR/ (trailing slash):
                        DIR/archive.duckdb plus DIR/<table>.parquet, rewritten and verified each run
  --batch-size N        rows per batch (default 10000)
  --dry-run             count what would move; change nothing
Primaries: --url (once per shard, in shard order) or DRIZZLE_SHARD_PRIMARIES (comma-separated).
Exit codes: 0 done, 1 failed midway (run again to resume), 2 bad input (nothing moved).
`;

/** `--to` made absolute, keeping a trailing `/` (a directory target: DuckDB file plus Parquet). */
const resolveTo = (cwd: string, to: string) => `${path.resolve(cwd, to)}${to.endsWith('/') ? '/' : ''}`;

async function queryArchive(argv: readonly string[], io: { out: Output; err: Output }, cwd: string) {
  const { values, positionals } = parseCommand('archive query', ARCHIVE_HELP, {
    args: [...argv],
    options: {
      to: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.out.write(ARCHIVE_HELP);
    return 0;
  }
  if (!values.to || positionals.length !== 1) {
    throw new UsageError('archive query', 'give --to FILE and one SQL query', ARCHIVE_HELP);
  }
  let store: DuckDbArchive;
  try {
    store = await DuckDbArchive.open(storeFile(resolveTo(cwd, values.to)), { create: false });
  } catch (error) {
    io.err.write(`drizzle-shard archive query: cannot open ${values.to}: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    const rows = await store.query(positionals[0]!);
    const text = (v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v instanceof Date ? v.toISOString() : String(v);
    if (values.json)
      io.out.write(`${JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
    else {
      const columns = Object.keys(rows[0] ?? {});
      io.out.write(`${columns.join('\t')}\n`);
      for (const row of rows) io.out.write(`${columns.map((c) => text(row[c])).join('\t')}\n`);
    }
    return 0;
  } catch (error) {
    io.err.write(`drizzle-shard archive query: ${(error as Error).message}\n`);
    return 2; // the query itself is wrong: the archive is untouched
  } finally {
    store.close();
  }
}

export async function archiveCommand(argv: readonly string[], io: { out: Output; err: Output }, cwd: string) {
  if (argv[0] === 'query') return queryArchive(argv.slice(1), io, cwd);
  const { values } = parseCommand('archive', ARCHIVE_HELP, {
    args: [...argv],
    options: {
      url: { type: 'string', multiple: true },
      table: { type: 'string' },
      'older-than': { type: 'string' },
      before: { type: 'string' },
      column: { type: 'string' },
      to: { type: 'string' },
      'batch-size': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out.write(ARCHIVE_HELP);
    return 0;
  }
  const batchSize = numberOption(values['batch-size'], '--batch-size', {
    command: 'archive',
    help: ARCHIVE_HELP,
  });
  const urls = primaryUrls(values.url);
  const problem = !urls.length
    ? 'give the shard primaries with --url'
    : !values.table
      ? 'give the table with --table'
      : !values['older-than'] && !values.before
        ? 'give the cut-off with --older-than or --before'
        : !values.to && !values['dry-run']
          ? 'give the archive file with --to'
          : undefined;
  if (problem) throw new UsageError('archive', problem, ARCHIVE_HELP);
  try {
    const progress = new ProgressLine(io.out);
    const report = await archiveTable({
      shards: urls,
      table: values.table!,
      ...(values['older-than'] ? { olderThan: values['older-than'] } : {}),
      ...(values.before ? { before: values.before } : {}),
      ...(values.column ? { column: values.column } : {}),
      to: resolveTo(cwd, values.to ?? 'archive.duckdb'),
      ...(batchSize ? { batchSize } : {}),
      dryRun: values['dry-run'],
      onProgress: (p) => progress.update(`shard ${p.shard}`, p.archived, p.total),
    });
    progress.finishLine();
    io.out.write(`cut-off: ${report.cutoff} (rows with ${values.column ?? 'the time column'} before it)\n`);
    for (const s of report.shards) {
      io.out.write(
        report.dryRun
          ? `  shard ${s.shard}: ${s.rows.toLocaleString('en-US')} rows would move in ${s.batches} batches\n`
          : `  shard ${s.shard}: ${s.rows.toLocaleString('en-US')} rows archived and deleted in ${s.batches} batches${s.resumed ? ` (+${s.resumed} batches finished from an earlier run)` : ''}\n`,
      );
    }
    io.out.write(
      report.dryRun
        ? `dry run: ${report.rows.toLocaleString('en-US')} rows of "${report.table}" would move; nothing changed\n`
        : `${report.rows.toLocaleString('en-US')} rows of "${report.table}" are in ${values.to}, verified${report.parquet ? `; all archived rows are in ${report.parquet}` : ''}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ArchiveError) {
      io.err.write(`drizzle-shard archive: ${error.message} [${error.code}]\n`);
      return 2;
    }
    const code = (error as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'CONNECT_TIMEOUT' || code === '28P01') {
      io.err.write(
        `drizzle-shard archive: cannot connect: ${redactText((error as Error).message)}. Nothing moved.\n`,
      );
      return 2;
    }
    io.err.write(
      `drizzle-shard archive: stopped: ${redactText((error as Error).message)}\nEvery finished batch is safe; run the same command again to resume.\n`,
    );
    return 1;
  }
}
