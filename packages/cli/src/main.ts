const VERSION = '0.1.0';

const HELP = `drizzle-shard ${VERSION}: sharding, replicas and read-your-writes for Drizzle ORM on PostgreSQL

Usage: drizzle-shard <command> [options]     (drizzle-shard <command> --help for its options)

Commands:
  generate       Typed per-shard helpers, recommended indexes, scatter report
  indexes apply  Create the recommended indexes on every shard primary, verified
  doctor         Measure the fleet: connections, lag, scans, sizes, skew, leftovers (--json)
  dev            A local cluster for development: dev up | status | down
  migrate        Apply drizzle-kit migrations to every shard; \`migrate status\` shows lag and drift
  split          Online split of one database into shards: start, status, verify, cutover, rollback
  reshard        Grow or shrink a sharded fleet N → M online: start, status, verify, cutover, rollback
  archive        Move rows older than a cut-off into a DuckDB file, verified; \`archive query\` reads it
  help           Show this help
  version        Print the version

Exit codes: 0 done, 1 failed (or found problems), 2 bad input. A failure prints one line; DEBUG=drizzle-shard
or --verbose adds its stack trace.
`;

// Commands are imported when they run, so `--help` and `version` load none of their dependencies
// (ts-morph, DuckDB, the test kit).
import { UsageError } from './args.ts';
import { reportFailure, wantsStack } from './failure.ts';
import type { Output } from './output.ts';

export type { Output } from './output.ts';

/**
 * The CLI as a function: arguments in, exit code out (tests call it directly). Whatever a command
 * throws ends here: bad input as one line and the command's usage (exit 2), any other failure as
 * one line (exit 1), its stack only with DEBUG=drizzle-shard or --verbose.
 *
 * @example
 * const code = await run(['doctor', '--shard', url], { out: process.stdout, err: process.stderr });
 */
export async function run(
  argv: readonly string[],
  io: { out: Output; err: Output },
  cwd = process.cwd(),
): Promise<number> {
  const args = argv.filter((a) => a !== '--verbose');
  try {
    return await dispatch(args, io, cwd);
  } catch (error) {
    return reportFailure(args[0] ?? 'help', error, io.err, wantsStack(argv));
  }
}

async function dispatch(argv: readonly string[], io: { out: Output; err: Output }, cwd: string) {
  const [command = 'help', ...rest] = argv;
  switch (command) {
    case 'generate':
      return (await import('./commands/generate.ts')).generateCommand(rest, io, cwd);
    case 'doctor':
      return (await import('./commands/doctor.ts')).doctorCommand(rest, io, cwd);
    case 'dev':
      return (await import('./commands/dev.ts')).devCommand(rest, io, cwd);
    case 'split':
      return (await import('./commands/split.ts')).splitCommand(rest, io, cwd);
    case 'reshard':
      return (await import('./commands/reshard.ts')).reshardCommand(rest, io, cwd);
    case 'archive':
      return (await import('./commands/archive.ts')).archiveCommand(rest, io, cwd);
    case 'migrate':
      return (await import('./commands/migrate.ts')).migrateCommand(rest, io, cwd);
    case 'indexes': {
      const indexes = await import('./commands/indexes-apply.ts');
      if (rest[0] === 'apply') return indexes.indexesApplyCommand(rest.slice(1), io, cwd);
      if (rest[0] === '--help' || rest[0] === '-h') {
        io.out.write(indexes.INDEXES_APPLY_HELP);
        return 0;
      }
      throw new UsageError(
        'indexes',
        rest[0] ? `unknown subcommand '${rest[0]}'; the subcommand is 'apply'` : "the subcommand is 'apply'",
        indexes.INDEXES_APPLY_HELP,
      );
    }
    case 'help':
    case '--help':
    case '-h':
      io.out.write(HELP);
      return 0;
    case 'version':
    case '--version':
    case '-v':
      io.out.write(`${VERSION}\n`);
      return 0;
    default:
      io.err.write(`drizzle-shard: unknown command '${command}'. Run 'drizzle-shard help' for the list.\n`);
      return 2;
  }
}
