import { execFileSync } from 'node:child_process';

const USUAL_PLACES = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'];

/**
 * The shell line that prints where pgbouncer is (nothing when it is absent): `PGBOUNCER_BIN`
 * alone when set (like `PG_BIN`, it also points the lookup away from an installed one), else
 * the usual install paths, then `PATH`. One script, so the local lookup and the one run inside
 * a Docker host agree.
 */
export function pgBouncerLookupScript(env: NodeJS.ProcessEnv = process.env): string {
  const places = env.PGBOUNCER_BIN ? [env.PGBOUNCER_BIN] : USUAL_PLACES;
  const quoted = places.map((p) => `'${p.replaceAll("'", `'\\''`)}'`).join(' ');
  return `for b in ${quoted}; do [ -x "$b" ] && echo "$b" && exit 0; done;${env.PGBOUNCER_BIN ? ' true' : ' command -v pgbouncer || true'}`;
}

/**
 * The pgbouncer binary on this machine, or undefined: `PGBOUNCER_BIN`, then
 * /usr/sbin, /usr/bin, /usr/local/bin, then `PATH`.
 *
 * @example
 * if (!findPgBouncer()) console.log('PgBouncer is not installed: apt-get install pgbouncer');
 */
export function findPgBouncer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const found = execFileSync('sh', ['-c', pgBouncerLookupScript(env)], {
    encoding: 'utf8',
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return found.trim().split('\n')[0] || undefined;
}
