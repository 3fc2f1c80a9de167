import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Sql } from 'postgres';
import { readTable } from '../archive/source-table.ts';
import { isGuardDdl } from '../reshard/ownership-guard.ts';
import { SplitError } from './split-error.ts';
import { MARKER_DDL, type SplitPlan } from './split-plan.ts';

const run = promisify(execFile);

/** Where the DDL comes from: a database holding the tables (the split's source, a reshard's shard 0). */
export type SchemaSource = Pick<SplitPlan, 'source' | 'tables'>;

/** pg_dump: PG_BIN, then PATH, then /usr/lib/postgresql/<newest>/bin. */
function findPgDump(): string {
  if (process.env.PG_BIN && existsSync(path.join(process.env.PG_BIN, 'pg_dump'))) {
    return path.join(process.env.PG_BIN, 'pg_dump');
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'pg_dump'))) return path.join(dir, 'pg_dump');
  }
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    for (const v of readdirSync(root).sort((a, b) => Number(b) - Number(a))) {
      const candidate = path.join(root, v, 'bin', 'pg_dump');
      if (existsSync(candidate)) return candidate;
    }
  }
  throw new SplitError(
    'SPLIT_BAD_INPUT',
    'pg_dump was not found (PG_BIN, PATH, /usr/lib/postgresql/*/bin); it copies the schema to the targets. Install the PostgreSQL client, or create the schema on every target yourself (drizzle-shard migrate) and run again.',
  );
}

/** The source's DDL for the split's tables (and their sequences, indexes, constraints). */
async function dumpSchema(plan: SchemaSource): Promise<string> {
  const tables = plan.tables.flatMap((t) => ['-t', t.name]);
  const { stdout } = await run(
    findPgDump(),
    [
      '--schema-only',
      '--no-owner',
      '--no-privileges',
      '--no-publications',
      '--no-subscriptions',
      ...tables,
      plan.source,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  // pg_dump 15.14+ wraps its output in psql meta-commands (\restrict, \unrestrict): not SQL.
  // A reshard's ownership guard is the old owner's own (its function is not in a table dump).
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('\\') && !isGuardDdl(line))
    .join('\n');
}

/**
 * Creates the split's tables on every target that has none of them yet (in one transaction
 * per target), from pg_dump of the source. Targets that already have them (created by
 * `drizzle-shard migrate`, or by an earlier run) are left as they are.
 */
export async function copySchema(plan: SchemaSource, targets: readonly Sql[]): Promise<number[]> {
  let ddl: string | undefined;
  const created: number[] = [];
  for (const [shard, sql] of targets.entries()) {
    await sql.unsafe(MARKER_DDL);
    const present = await Promise.all(plan.tables.map((t) => readTable(sql, t.name)));
    if (present.every(Boolean)) continue;
    if (present.some(Boolean)) {
      throw new SplitError(
        'SPLIT_BAD_INPUT',
        `Target shard ${shard} has some of the tables to split but not all; create all of them (drizzle-shard migrate) or none.`,
      );
    }
    ddl ??= await dumpSchema(plan);
    await sql.begin((tx) => tx.unsafe(ddl!));
    await sql.unsafe('reset search_path'); // the dump empties it for the session
    created.push(shard);
  }
  return created;
}
