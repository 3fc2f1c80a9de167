import path from 'node:path';
import { MigrateError, migrateShards, migrateStatus } from '@drizzle-shard/ops';
import { parseCommand, UsageError } from '../args.ts';
import type { Output } from '../output.ts';
import { primaryUrls } from '../primaries.ts';

export const MIGRATE_HELP = `drizzle-shard migrate [status] --url PRIMARY_URL [--url …] [--migrations ./drizzle]

  migrate         Applies the drizzle-kit migrations folder to every shard primary in shard order
                  (drizzle's migrator: state in drizzle.__drizzle_migrations, one transaction per
                  shard); stops at the first failing shard. Safe to re-run.
  migrate status  Per shard: migrations behind the folder, and schema drift from the other shards.
Primaries: --url (once per shard, in shard order) or DRIZZLE_SHARD_PRIMARIES (comma-separated).
Exit codes: 0 ok, 1 a shard failed / is behind / drifted, 2 bad input.
`;

export async function migrateCommand(argv: readonly string[], io: { out: Output; err: Output }, cwd: string) {
  const status = argv[0] === 'status';
  const { values } = parseCommand(status ? 'migrate status' : 'migrate', MIGRATE_HELP, {
    args: [...(status ? argv.slice(1) : argv)],
    options: {
      url: { type: 'string', multiple: true },
      migrations: { type: 'string', default: './drizzle' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out.write(MIGRATE_HELP);
    return 0;
  }
  const urls = primaryUrls(values.url);
  if (urls.length === 0) {
    throw new UsageError(
      status ? 'migrate status' : 'migrate',
      'give the shard primaries with --url',
      MIGRATE_HELP,
    );
  }
  const folder = path.resolve(cwd, values.migrations);
  const targets = urls.map((url, shard) => ({ shard, url }));
  try {
    if (status) {
      const report = await migrateStatus(folder, targets);
      for (const s of report.shards) {
        const state = [
          s.behind
            ? `${s.behind} of ${report.total} migrations behind`
            : `${s.applied}/${report.total} applied`,
          ...(s.unknown ? [`${s.unknown} applied migrations not in the folder`] : []),
          ...(s.drift
            ? [`schema differs from the other shards (+${s.extra.length} −${s.missing.length})`]
            : []),
        ];
        io.out.write(`  shard ${s.shard}: ${state.join('; ')}\n`);
        for (const line of s.extra.slice(0, 5)) io.out.write(`      only here: ${line}\n`);
        for (const line of s.missing.slice(0, 5)) io.out.write(`      missing:   ${line}\n`);
      }
      io.out.write(report.ok ? 'every shard is current and identical\n' : '');
      return report.ok ? 0 : 1;
    }
    const report = await migrateShards(folder, targets, (r) =>
      io.out.write(
        `  shard ${r.shard}: ${r.state}${r.applied ? ` (${r.applied} applied)` : ''}${r.error ? `: ${r.error}` : ''}\n`,
      ),
    );
    if (!report.ok) {
      const failed = report.shards.find((s) => s.state === 'failed')!;
      io.err.write(
        `Stopped at shard ${failed.shard} (${failed.url}); later shards were not touched. Fix it and run again.\n`,
      );
      return 1;
    }
    io.out.write(`every shard has all ${report.total} migrations\n`);
    return 0;
  } catch (error) {
    if (error instanceof MigrateError) {
      io.err.write(`drizzle-shard migrate: ${error.message} [${error.code}]\n`);
      return 2;
    }
    throw error;
  }
}
